"""Benchmark of the one-time customer import.

Fills a simulator with N Khaos customers (default 5,000, every kind a shop
must not import among them), serves it from a separate process, migrates a
throw-away shop database and runs the import, then the same import again with
--force (nothing changed: every record unchanged). Reports Khaos records per
second for both, and the time the Khaos side alone takes (list and export).

    PYTHONPATH=src python benchmarks/bench_customers.py [--customers 5000] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from khaos_sync.simulator.generator import generate_customers
from khaos_sync.simulator.store import Store


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--profile", action="store_true", help="print the top of a profile")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="khaos-customers-bench-"))
    try:
        run(args, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def run(args: argparse.Namespace, workdir: Path) -> None:
    simulator_db = workdir / "khaos.sqlite3"
    store = Store(simulator_db)
    generate_customers(store, random.Random(args.seed), args.customers)
    store.close()
    os.environ["KHAOS_SYNC_DATA_DIR"] = str(workdir / "shop")
    started = time.perf_counter()
    migrate()
    migrate_seconds = time.perf_counter() - started
    port = free_port()
    command = [sys.executable, "-m", "khaos_sync.cli", "simulate", "serve"]
    server = subprocess.Popen(
        [*command, "--db", str(simulator_db), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        url = f"http://127.0.0.1:{port}/KhaosKSD.exe/soap/IKosWeb"
        wait_until_ready(port)
        khaos_only = khaos_export_only(url)
        first = timed_import(url, force=False, profile=args.profile)
        second = timed_import(url, force=True, profile=False)
    finally:
        server.terminate()
        server.wait(timeout=10)
    print(
        json.dumps(
            {
                "khaos_customers": args.customers,
                "shop_migrate_seconds": round(migrate_seconds, 1),
                "khaos_export_alone": khaos_only,
                "first_import": first,
                "forced_reimport_nothing_changed": second,
            },
            indent=2,
        )
    )


def migrate() -> None:
    from khaos_sync.cli.django_setup import setup_django

    setup_django()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def khaos_export_only(url: str, chunk: int = 100) -> dict[str, object]:
    """The Khaos side alone: GetCompanyList and ExportCompany in the import's chunks."""
    from khaos_sync.protocol.client import KhaosClient

    started = time.perf_counter()
    with KhaosClient(url, timeout=120) as khaos:
        codes = [e.company_code for e in khaos.get_company_list().entries]
        for start in range(0, len(codes), chunk):
            khaos.export_company(company_code=",".join(codes[start : start + chunk]))
    seconds = time.perf_counter() - started
    return {"records": len(codes), "seconds": round(seconds, 2)}


def timed_import(url: str, *, force: bool, profile: bool) -> dict[str, object]:
    from khaos_sync.sync.customers.flow import import_customers

    profiler = cProfile.Profile() if profile else None
    started = time.perf_counter()
    if profiler:
        profiler.enable()
    report = import_customers(url=url, force=force)
    if profiler:
        profiler.disable()
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(45)
    seconds = time.perf_counter() - started
    records = len(report.entries)
    return {
        "records": records,
        "totals": {str(k): v for k, v in sorted(report.totals.items())},
        "khaos_calls": report.khaos_calls,
        "seconds": round(seconds, 2),
        "records_per_second": round(records / seconds, 1),
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_ready(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("the simulator did not start")


if __name__ == "__main__":
    main()
