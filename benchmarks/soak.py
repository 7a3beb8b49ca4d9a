"""Soak test of the order export's exactly-once promise, on PostgreSQL.

Three exporters (``khaos-sync sync orders --loop``, separate processes) share one
PostgreSQL database and a Khaos simulator with mixed faults (drop-after-commit,
HTTP 500, SOAP Fault, truncated answers, latency). While orders are placed,
workers are killed with SIGKILL at random and started again; half-way, Khaos
is stopped for longer than the retry allowance (the back-off of max_attempts
sends) while orders go on being placed, and brought back on the same port. At
the end the simulator's log of every ImportOrders call is compared with the
shop:

- placed: orders placed in the shop;
- imported: orders Khaos holds;
- sent twice: orders that reached ImportOrders again after Khaos had imported them;
- lost: orders neither in Khaos nor held after a refusal by Khaos;
- mismatched: orders whose total in Khaos differs from the shop's;
- held, not refused: orders held although Khaos never refused them.

Exits 1 on any duplicate, loss, mismatched total, or order held that Khaos did
not refuse (an order not settled when the time is up counts as lost).

    PYTHONPATH=src python benchmarks/soak.py --orders 1000 --kills 20 --kill-gap 30 \\
        --outage 60 [--admin-url postgres://postgres@127.0.0.1:5432/postgres]
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

import order_placing
from order_placing import khaos_products, place, setup_shop

FAULTS = (
    "ImportOrders:drop-after-commit@rate=0.05;ImportOrders:http500@rate=0.04;"
    "ImportOrders:soap-fault@rate=0.04;ImportOrders:truncated@rate=0.03;"
    "ExportOrderStatusEx:http500@rate=0.02;latency=0.05;seed={seed}"
)


MAX_ATTEMPTS = 3
BACKOFF_SECONDS = 1.0
BACKOFF_MAX_SECONDS = 4.0
SETTLED = ("imported", "held", "not_for_khaos")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--kills", type=int, default=10, help="SIGKILLs of random workers")
    parser.add_argument(
        "--kill-gap", type=float, default=8.0, help="mean seconds between two SIGKILLs"
    )
    parser.add_argument("--outage", type=float, default=40.0, help="seconds Khaos is stopped")
    parser.add_argument("--admin-url", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--timeout", type=float, default=900.0, help="seconds to wait for orders to settle"
    )
    args = parser.parse_args()
    random.seed(args.seed)
    if args.outage <= retry_allowance():
        parser.error(f"--outage must outlast the retry allowance ({retry_allowance():g} s)")

    workdir = Path(tempfile.mkdtemp(prefix="khaos-soak-"))
    run_from_snapshot(workdir)
    database = f"khaos_orders_soak_{os.getpid()}"
    pgdb("create", args.admin_url, database)
    report: dict[str, Any] = {}
    try:
        report = run(args, workdir, args.admin_url.rsplit("/", 1)[0] + "/" + database)
    finally:
        pgdb("drop", args.admin_url, database)
        if report and not report["failures"]:
            shutil.rmtree(workdir, ignore_errors=True)
        else:
            print(f"worker logs and the simulator's database kept in {workdir}", file=sys.stderr)
    print(json.dumps(report, indent=2))
    raise SystemExit(1 if failures(report) else 0)


def run_from_snapshot(workdir: Path) -> None:
    """Run this process and every worker from a copy of the code taken now.

    A soak lasts long; a worker restarted after a kill must run the code the run
    started with, not whatever the source tree holds by then (a new migration
    there makes it refuse to start).
    """
    source = Path(__file__).resolve().parent.parent / "src" / "khaos_sync"
    snapshot = workdir / "src"
    shutil.copytree(source, snapshot / "khaos_sync", ignore=shutil.ignore_patterns("__pycache__"))
    sys.path.insert(0, str(snapshot))
    os.environ["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(snapshot), os.environ.get("PYTHONPATH")])
    )


def failures(report: dict[str, Any]) -> list[str]:
    """What breaks the promise: duplicates, losses, wrong totals, holds Khaos did not cause."""
    keys = (
        "sent_twice",
        "duplicates_in_khaos",
        "lost",
        "mismatched",
        "held_not_refused",
        "worker_exits",
    )
    return [key for key in keys if report[key]]


def pgdb(action: str, admin_url: str, name: str) -> None:
    script = Path(__file__).resolve().parent.parent / "scripts" / "pgdb.py"
    subprocess.run([sys.executable, str(script), action, admin_url, name], check=True)


def run(args: argparse.Namespace, workdir: Path, database_url: str) -> dict[str, Any]:
    import khaos_sync

    khaos = Khaos(workdir / "sim.sqlite3", FAULTS.format(seed=args.seed))
    env = shop_environment(workdir, khaos.sim.url, database_url)
    os.environ.update(env)
    setup_shop()
    products = khaos_products(khaos.sim, 5)
    workers = Workers(args.workers, env, workdir)
    started = time.monotonic()
    stop = threading.Event()
    killer = threading.Thread(
        target=workers.supervise, args=(args.kills, args.kill_gap, stop), daemon=True
    )
    killer.start()
    numbers: list[str] = []
    outage = threading.Thread(target=khaos.outage, args=(args.outage,), daemon=True)
    try:
        for n in range(args.orders):
            if n == args.orders // 2:
                outage.start()
            numbers.append(str(place(products, n).number))
            khaos.placed_during_outage += khaos.down
        placed = time.monotonic()
        outage.join()
        wait_settled(numbers, time.monotonic() + args.timeout)
    finally:
        stop.set()
        killer.join(timeout=5)
        workers.stop()
    report = count(khaos.sim, numbers)
    khaos.sim.stop()
    report.update(
        workers=args.workers,
        kills=workers.kills,
        worker_exits=len(workers.exits),
        worker_exit_reasons=workers.exits[:5],
        khaos_outage_seconds=round(khaos.outage_seconds, 1),
        retry_allowance_seconds=retry_allowance(),
        placed_while_khaos_down=khaos.placed_during_outage,
        waiting_when_khaos_returned=khaos.waiting_on_return,
        placing_seconds=round(placed - started, 1),
        seconds=round(time.monotonic() - started, 1),
        faults=FAULTS.format(seed=args.seed),
        code=str(Path(khaos_sync.__file__).parent),
    )
    report["failures"] = failures(report)
    return report


class Khaos:
    """The simulator, which can be stopped for a while and brought back on the same port."""

    def __init__(self, path: Path, faults: str) -> None:
        from khaos_sync.simulator import run_in_thread

        self.path, self.faults = path, faults
        self.sim = run_in_thread(path, faults=faults)
        self.port = self.sim.server.server_address[1]
        self.down = False
        self.outage_seconds = 0.0
        self.placed_during_outage = 0
        self.waiting_on_return = 0

    def outage(self, seconds: float) -> None:
        """Stop Khaos while orders go on being placed; bring it back after SECONDS."""
        from django.db import connection

        from khaos_sync.simulator import run_in_thread
        from khaos_sync.sync.orders.models import OrderExport

        self.sim.stop()
        self.down = True
        began = time.monotonic()
        time.sleep(seconds)
        self.waiting_on_return = OrderExport.objects.exclude(state__in=SETTLED).count()
        connection.close()
        self.sim = run_in_thread(self.path, faults=self.faults, port=self.port)
        self.down = False
        self.outage_seconds = time.monotonic() - began


class Workers:
    """The exporters: killed at random and restarted; one that exits by itself is a failure."""

    def __init__(self, count: int, env: dict[str, str], workdir: Path) -> None:
        self.env = {**os.environ, **env}
        self.logs = workdir
        self.kills = 0
        self.exits: list[str] = []
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

    def supervise(self, kills: int, gap: float, stop: threading.Event) -> None:
        """SIGKILL a random worker KILLS times, GAP seconds apart on average; restart any that exit."""
        next_kill = time.monotonic() + random.uniform(gap / 2, gap * 3 / 2)
        while not stop.wait(0.5):
            self.restart_exited()
            if self.kills < kills and time.monotonic() >= next_kill:
                self.kill_one()
                next_kill = time.monotonic() + random.uniform(gap / 2, gap * 3 / 2)

    def kill_one(self) -> None:
        with self.lock:
            slot = random.randrange(len(self.processes))
            victim = self.processes[slot]
            victim.send_signal(signal.SIGKILL)
            victim.wait()
            self.kills += 1
            self.processes[slot] = self._start(slot)

    def restart_exited(self) -> None:
        with self.lock:
            for slot, process in enumerate(self.processes):
                if process.poll() is None:
                    continue
                last = (self.logs / f"worker-{slot}.log").read_bytes()[-300:]
                self.exits.append(f"exit {process.returncode}: {last.decode(errors='replace')}")
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
        **order_placing.shop_environment(workdir, url),
        "PYTHONPATH": os.environ["PYTHONPATH"],  # the snapshot (run_from_snapshot)
        "KHAOS_SYNC_SHOP_DATABASE_URL": database_url,
        "KHAOS_SYNC_KHAOS_TIMEOUT": "10",
        "KHAOS_SYNC_ORDERS_POLL_SECONDS": "0.5",
        "KHAOS_SYNC_ORDERS_BATCH_SIZE": "20",
        # A small retry allowance, so the outage outlasts it many times over.
        "KHAOS_SYNC_ORDERS_MAX_ATTEMPTS": str(MAX_ATTEMPTS),
        "KHAOS_SYNC_ORDERS_BACKOFF_SECONDS": str(BACKOFF_SECONDS),
        "KHAOS_SYNC_ORDERS_BACKOFF_MAX_SECONDS": str(BACKOFF_MAX_SECONDS),
        "KHAOS_SYNC_ORDERS_UNREACHABLE_MAX_SECONDS": "5",
        "KHAOS_SYNC_ORDERS_LEASE_SECONDS": "30",
    }


def retry_allowance() -> float:
    """Seconds of back-off an order gets before it is held: MAX_ATTEMPTS sends, doubling."""
    return sum(min(BACKOFF_SECONDS * 2**n, BACKOFF_MAX_SECONDS) for n in range(MAX_ATTEMPTS - 1))


def wait_settled(numbers: list[str], deadline: float) -> None:
    """Until every order is imported or held (or the time is up)."""
    from khaos_sync.sync.orders.models import OrderExport

    while time.monotonic() < deadline:
        open_rows = OrderExport.objects.filter(order_number__in=numbers).exclude(state__in=SETTLED)
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
