"""Incremental catalogue sync benchmark: 1% of a generated catalogue changed in Khaos.

A fresh process per run: the simulator generates N variants, a full sync fills
the shop, then 1% of the top-level items (an SCS parent counts with its
variants) get a new description and revision date in the simulator, and an
incremental sync runs. In the same run the floor: fetching the changed items'
groups (ExportStock, in the sync's chunks) and parsing them with lxml.

``ratio`` = incremental sync / floor (wall time); ``cpu_ratio`` the same in this
process's CPU time; ``calls_per_1000`` = Khaos calls of the
incremental run per 1,000 changed items; ``categories`` = what the run did with
the web category tree ("not read" between its scheduled reads, "unchanged" when
read). ``--categories-every 0`` reads the tree in every run, as a run does when
``catalogue.categories_every_minutes`` have passed (default: the configured value).

Usage: python benchmarks/bench_incremental.py [--size 10000] [--runs 3] [--categories-every 0]
       DATABASE_URL=postgres://postgres@127.0.0.1:5432/<fresh db> python benchmarks/...
Reports numbers only; it asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

import bench_catalogue  # the same simulator and database set-up

SHARE = 0.01
EVERY = "KHAOS_SYNC_CATALOGUE_CATEGORIES_EVERY_MINUTES"


def run_one(size: int, workdir: Path) -> dict[str, Any]:
    import os

    os.environ["KHAOS_SYNC_DATA_DIR"] = str(workdir / "shop")
    os.environ["DJANGO_SETTINGS_MODULE"] = "khaos_sync.shop.settings"
    os.environ["KHAOS_SYNC_SHOP_SEARCH_BACKEND"] = "simple"
    import django

    sim, url = bench_catalogue.start_simulator(size, workdir)
    django.setup()
    from django.core.management import call_command

    if bench_catalogue.connection_vendor() == "postgresql":
        bench_catalogue.empty_postgres_database()
    call_command("migrate", verbosity=0)
    from khaos_sync.sync.catalogue.flow import sync_catalogue_once

    full = sync_catalogue_once(full=True, url=url)
    time.sleep(1)  # the change must be later than the full run's cursor
    codes = change_items(workdir / "khaos.sqlite3")
    started, cpu_started = time.perf_counter(), time.process_time()
    run = sync_catalogue_once(full=False, url=url)
    seconds = time.perf_counter() - started
    sync_cpu = time.process_time() - cpu_started
    cpu_started = time.process_time()
    floor_fetch, floor_parse = fetch_and_parse(url, codes)
    floor_cpu = time.process_time() - cpu_started
    sim.terminate()
    sim.wait()
    floor = floor_fetch + floor_parse
    return {
        "database": bench_catalogue.connection_vendor(),
        "size": size,
        "full_failed": full.failed,
        "changed_items": len(codes),
        "codes_fetched": run.summary.get("codes"),
        "categories": run.summary.get("categories"),
        "updated": run.updated,
        "unchanged": run.unchanged,
        "failed": run.failed,
        "sync_s": round(seconds, 2),
        "khaos_calls": run.khaos_calls,
        "calls_per_1000": round(run.khaos_calls * 1000 / max(len(codes), 1), 1),
        "floor_fetch_s": round(floor_fetch, 2),
        "floor_parse_s": round(floor_parse, 2),
        "floor_s": round(floor, 2),
        "ratio": round(seconds / floor, 2),
        # CPU seconds of this process: steadier than wall time on a shared machine
        # (the simulator's and PostgreSQL's own CPU are not in them).
        "sync_cpu_s": round(sync_cpu, 2),
        "floor_cpu_s": round(floor_cpu, 2),
        "cpu_ratio": round(sync_cpu / max(floor_cpu, 0.01), 2),
        "load_average": round(os.getloadavg()[0], 2),
    }


def change_items(path: Path) -> list[str]:
    """Give 1% of the top-level items a new description and a fresh revision date."""
    from khaos_sync.simulator.store import Store

    store = Store(path)
    rows = store.query("SELECT stock_id FROM items WHERE kind != 'scs_child' ORDER BY stock_id")
    ids = random.Random(7).sample([r[0] for r in rows], max(1, int(len(rows) * SHARE)))
    items = store.items_by_ids(ids)
    for item in items:
        item.description = f"{item.description} (revised)"[:100]
        item.revised = datetime.now().replace(microsecond=0)
    store.put_items(items)
    store.close()
    return [item.code for item in items]


def fetch_and_parse(url: str, codes: list[str]) -> tuple[float, float]:
    from django.conf import settings
    from lxml import etree

    from khaos_sync.protocol.client import KhaosClient
    from khaos_sync.sync.catalogue.importer import even_chunk

    chunk = even_chunk(len(codes), settings.KHAOS_SYNC["catalogue"]["export_chunk"])
    started = time.perf_counter()
    with KhaosClient(url) as client:
        documents = [
            client.export_stock(stock_code=",".join(codes[i : i + chunk]), mapping_type=1).encode()
            for i in range(0, len(codes), chunk)
        ]
    fetch = time.perf_counter() - started
    started = time.perf_counter()
    for document in documents:
        etree.fromstring(document)
    return fetch, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--categories-every", type=int, metavar="MINUTES")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.categories_every is not None:
        import os

        os.environ[EVERY] = str(args.categories_every)
    if args.one:
        with tempfile.TemporaryDirectory(prefix="bench-incremental-") as tmp:
            print(json.dumps(run_one(args.one, Path(tmp))))
        return
    runs = []
    for _ in range(args.runs):
        out = subprocess.run(
            [sys.executable, __file__, "--one", str(args.size)], capture_output=True, text=True
        )
        lines = [line for line in out.stdout.splitlines() if line.startswith('{"database"')]
        if not lines:
            print(f"run failed:\n{out.stderr[-3000:]}", flush=True)
            return
        print(lines[-1], flush=True)
        runs.append(json.loads(lines[-1]))
    if len(runs) > 1:
        ratios = [r["ratio"] for r in runs]
        print(json.dumps({"ratio_min": min(ratios), "ratio_median": statistics.median(ratios)}))


if __name__ == "__main__":
    main()
