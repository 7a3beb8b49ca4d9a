"""Soak test of the order export's exactly-once promise, on PostgreSQL.

Three exporters (``khaos-sync sync orders --loop``, separate processes) share one
PostgreSQL database and a Khaos simulator with mixed faults (drop-after-commit,
HTTP 500, SOAP Fault, truncated answers, latency). While orders are placed,
workers are killed with SIGKILL at random and started again; once, Khaos is
stopped for longer than the retry allowance (max_attempts × back-off) and then
brought back on the same port. At the end the simulator's log of every
ImportOrders call is compared with the shop:

- placed: orders placed in the shop;
- imported: orders Khaos holds;
- sent twice: orders that reached ImportOrders again after Khaos had imported them;
- lost: orders neither in Khaos nor held after a refusal by Khaos;
- mismatched: orders whose total in Khaos differs from the shop's;
- held, not refused: orders held although Khaos never refused them.

Exits 1 on any duplicate, loss, or order held that Khaos did not refuse.

    PYTHONPATH=src python benchmarks/soak.py --orders 1000 \\
        [--admin-url postgres://postgres@127.0.0.1:5432/postgres] [--kills 10] [--outage 40]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

FAULTS = (
    "ImportOrders:drop-after-commit@rate=0.05;ImportOrders:http500@rate=0.04;"
    "ImportOrders:soap-fault@rate=0.04;ImportOrders:truncated@rate=0.03;"
    "ExportOrderStatusEx:http500@rate=0.02;latency=0.05;seed={seed}"
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--kills", type=int, default=10, help="SIGKILLs of random workers")
    parser.add_argument("--outage", type=float, default=40.0, help="seconds Khaos is stopped")
    parser.add_argument("--admin-url", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=1800.0, help="give up after this")
    args = parser.parse_args()
    random.seed(args.seed)

    workdir = Path(tempfile.mkdtemp(prefix="khaos-soak-"))
    database = f"khaos_orders_soak_{os.getpid()}"
    pgdb("create", args.admin_url, database)
    try:
        report = run(args, workdir, args.admin_url.rsplit("/", 1)[0] + "/" + database)
    finally:
        pgdb("drop", args.admin_url, database)
        shutil.rmtree(workdir, ignore_errors=True)
    print(json.dumps(report, indent=2))
    bad = report["sent_twice"] + report["duplicates_in_khaos"] + report["lost"]
    raise SystemExit(1 if bad or report["held_not_refused"] else 0)


def pgdb(action: str, admin_url: str, name: str) -> None:
    script = Path(__file__).resolve().parent.parent / "scripts" / "pgdb.py"
    subprocess.run([sys.executable, str(script), action, admin_url, name], check=True)


def run(args: argparse.Namespace, workdir: Path, database_url: str) -> dict[str, Any]:
    from khaos_sync.simulator import run_in_thread

    sim = run_in_thread(workdir / "sim.sqlite3", faults=FAULTS.format(seed=args.seed))
    port = sim.server.server_address[1]
    env = shop_environment(workdir, sim.url, database_url)
    os.environ.update(env)
    setup_shop()
    products = khaos_products(sim, 5)
    workers = Workers(args.workers, env, workdir)
    started = time.monotonic()
    stop = threading.Event()
    killer = threading.Thread(target=workers.kill_at_random, args=(args.kills, stop), daemon=True)
    killer.start()
    numbers: list[str] = []
    outage_at = args.orders // 2
    outage = {"seconds": 0.0}
    try:
        for n in range(args.orders):
            numbers.append(str(place(products, n).number))
            if n == outage_at:
                sim = khaos_outage(sim, workdir, port, args, outage)
        wait_settled(numbers, started + args.timeout)
    finally:
        stop.set()
        killer.join(timeout=5)
        workers.stop()
    report = count(sim, numbers)
    sim.stop()
    report.update(
        workers=args.workers,
        kills=workers.kills,
        khaos_outage_seconds=round(outage["seconds"], 1),
        seconds=round(time.monotonic() - started, 1),
        faults=FAULTS.format(seed=args.seed),
    )
    return report


def khaos_outage(
    sim: Any, workdir: Path, port: int, args: argparse.Namespace, outage: dict[str, float]
) -> Any:
    """Stop Khaos, keep placing nothing for a while, bring it back on the same port."""
    from khaos_sync.simulator import run_in_thread

    sim.stop()
    began = time.monotonic()
    time.sleep(args.outage)
    outage["seconds"] = time.monotonic() - began
    return run_in_thread(workdir / "sim.sqlite3", faults=FAULTS.format(seed=args.seed), port=port)


class Workers:
    def __init__(self, count: int, env: dict[str, str], workdir: Path) -> None:
        self.env = {**os.environ, **env}
        self.logs = workdir
        self.kills = 0
        self.lock = threading.Lock()
        self.processes = [self._start(n) for n in range(count)]

    def _start(self, slot: int) -> subprocess.Popen[bytes]:
        log = open(self.logs / f"worker-{slot}.log", "ab")  # noqa: SIM115 - closed with the process
        return subprocess.Popen(
            [sys.executable, "-m", "khaos_sync.cli", "sync", "orders", "--loop"],
            env=self.env,
            stdout=log,
            stderr=log,
        )

    def kill_at_random(self, kills: int, stop: threading.Event) -> None:
        for _ in range(kills):
            if stop.wait(random.uniform(4, 12)):
                return
            with self.lock:
                slot = random.randrange(len(self.processes))
                victim = self.processes[slot]
                victim.send_signal(signal.SIGKILL)
                victim.wait()
                self.kills += 1
                self.processes[slot] = self._start(slot)

    def stop(self) -> None:
        with self.lock:
            for process in self.processes:
                process.terminate()
            for process in self.processes:
                try:
                    process.wait(timeout=60)
                except subprocess.TimeoutExpired:
                    process.kill()


def shop_environment(workdir: Path, url: str, database_url: str) -> dict[str, str]:
    return {
        "KHAOS_SYNC_DATA_DIR": str(workdir / "shop"),
        "KHAOS_SYNC_SHOP_DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "khaos_sync.shop.settings",
        "KHAOS_SYNC_KHAOS_URL": url,
        "KHAOS_SYNC_KHAOS_TIMEOUT": "10",
        "KHAOS_SYNC_KHAOS_SALES_SOURCE": "INTERNET",
        "KHAOS_SYNC_KHAOS_COMPANY_CLASS": "Internet",
        "KHAOS_SYNC_ORDERS_SETTLE_SECONDS": "0",
        "KHAOS_SYNC_ORDERS_POLL_SECONDS": "0.5",
        "KHAOS_SYNC_ORDERS_BATCH_SIZE": "20",
        # A small retry allowance (≈ 7 s), so the outage outlasts it many times over.
        "KHAOS_SYNC_ORDERS_MAX_ATTEMPTS": "3",
        "KHAOS_SYNC_ORDERS_BACKOFF_SECONDS": "1",
        "KHAOS_SYNC_ORDERS_BACKOFF_MAX_SECONDS": "4",
        "KHAOS_SYNC_ORDERS_UNREACHABLE_MAX_SECONDS": "5",
        "KHAOS_SYNC_ORDERS_LEASE_SECONDS": "30",
        "PYTHONPATH": os.pathsep.join(
            filter(None, [str(Path("src").resolve()), os.environ.get("PYTHONPATH")])
        ),
    }


def setup_shop() -> None:
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def khaos_products(sim: Any, count: int) -> list[Any]:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from bench_orders import khaos_products as make

    return make(sim, count)  # type: ignore[no-any-return]


def place(products: list[Any], n: int) -> Any:
    from bench_orders import place as place_one

    return place_one(products, n)


def wait_settled(numbers: list[str], deadline: float) -> None:
    """Until every order is imported or held (or the time is up)."""
    from khaos_sync.sync.orders.models import OrderExport

    while time.monotonic() < deadline:
        open_rows = OrderExport.objects.filter(order_number__in=numbers).exclude(
            state__in=["imported", "held", "not_for_khaos"]
        )
        if not open_rows.exists():
            return
        time.sleep(1)


def count(sim: Any, numbers: list[str]) -> dict[str, Any]:
    from oscar.core.loading import get_model

    from khaos_sync.sync.orders.models import OrderExport

    log = sim.control.import_log()
    calls = Counter(entry["ref"] for entry in log)
    sent_again = 0
    imported_once: set[str] = set()
    refused: set[str] = set()
    for entry in log:
        if entry["ref"] in imported_once:
            sent_again += 1
        if entry["outcome"] == "imported":
            imported_once.add(entry["ref"])
        elif "Duplicate" not in entry["detail"]:
            refused.add(entry["ref"])
    in_khaos = Counter(
        row[0] for row in sim.store.connection().execute("SELECT associated_ref FROM orders")
    )
    held = set(
        OrderExport.objects.filter(order_number__in=numbers, state="held").values_list(
            "order_number", flat=True
        )
    )
    totals = {
        o.number: o.total_incl_tax
        for o in get_model("order", "Order").objects.filter(number__in=numbers)
    }
    mismatched = sum(
        1
        for ref in numbers
        if ref in in_khaos and sim.control.order(ref)["computed_total"] != totals[ref]
    )
    states = Counter(
        OrderExport.objects.filter(order_number__in=numbers).values_list("state", flat=True)
    )
    return {
        "placed": len(numbers),
        "imported": sum(1 for ref in numbers if ref in in_khaos),
        "import_calls_logged": len({entry["call"] for entry in log}),
        "orders_sent_more_than_once_before_import": sum(
            1 for ref, n in calls.items() if n > 1 and ref not in refused
        ),
        "sent_twice": sent_again,
        "duplicates_in_khaos": sum(1 for n in in_khaos.values() if n > 1),
        "lost": sum(1 for ref in numbers if ref not in in_khaos and ref not in held),
        "mismatched": mismatched,
        "held": len(held),
        "held_not_refused": len(held - refused),
        "states": dict(states),
    }


if __name__ == "__main__":
    main()
