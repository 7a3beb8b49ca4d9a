"""Catalogue sync benchmark: full sync of 1k / 10k / 100k variants from the simulator.

For each size, in a fresh process (so peak RSS is that size's own):
  * the sync: wall time, variants/s, peak RSS, SOAP calls;
  * the fetch: the time to fetch the same GetStockList and ExportStock documents
    from the same simulator, so that the sync's own time is its run minus that;
  * the floor, measured in the same run: lxml parsing of those documents plus
    raw ``executemany`` of exactly the rows the sync wrote, into empty copies of
    the same tables with the same indexes and constraints, in a database with
    the same pragmas (SQLite: a second file; PostgreSQL: a scratch schema).

``ratio_to_floor`` = (sync − fetch) / floor, the measure docs/catalogue.md tracks.

Usage: python benchmarks/bench_catalogue.py [--sizes 1000,10000,100000] [--runs 3]
       DATABASE_URL=postgres://postgres@127.0.0.1:5432/<fresh db> python benchmarks/...
(with PostgreSQL each run drops and recreates the tables of that database).
Reports numbers only; it asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

TABLES = (
    "catalogue_product",
    "partner_stockrecord",
    "khaos_catalogue_productbinding",
    "catalogue_productattributevalue",
    "catalogue_product_tags",
    "catalogue_productcategory",
    "catalogue_productrecommendation",
    "khaos_catalogue_bundlecomponent",
    "khaos_catalogue_khaoslink",
)


def peak_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def run_one(size: int, workdir: Path) -> dict[str, float]:
    os.environ["KHAOS_SYNC_DATA_DIR"] = str(workdir / "shop")
    os.environ["DJANGO_SETTINGS_MODULE"] = "khaos_sync.shop.settings"
    os.environ["KHAOS_SYNC_SHOP_SEARCH_BACKEND"] = "simple"
    import django

    started = time.perf_counter()
    # A separate process, as a real Khaos server is: its CPU is not the sync's.
    sim, url = start_simulator(size, workdir)
    generation = time.perf_counter() - started
    django.setup()
    from django.core.management import call_command

    if connection_vendor() == "postgresql":
        empty_postgres_database()
    call_command("migrate", verbosity=0)
    from khaos_sync.sync.catalogue.flow import sync_catalogue_once

    started, cpu_started = time.perf_counter(), time.process_time()
    run = sync_catalogue_once(full=True, url=url)
    sync_seconds = time.perf_counter() - started
    sync_cpu = time.process_time() - cpu_started
    rss = peak_rss_mb()
    from khaos_sync.sync.catalogue.models import ProductBinding

    variants = ProductBinding.objects.exclude(structure="parent").count()
    cpu_started = time.process_time()
    documents, fetch_seconds = fetch_documents(url)
    fetch_cpu = time.process_time() - cpu_started
    floor = measure_floor(documents, workdir)
    floor_cpu = floor.pop("floor_cpu_s")
    sim.terminate()
    sim.wait()
    own = sync_seconds - fetch_seconds
    return {
        "database": connection_vendor(),
        "size": size,
        "generation_s": round(generation, 2),
        "sync_s": round(sync_seconds, 2),
        "variants": variants,
        "variants_per_s": round(variants / sync_seconds, 1),
        "peak_rss_mb": round(rss, 1),
        "soap_calls": run.khaos_calls,
        "failed": run.failed,
        "fetch_s": round(fetch_seconds, 2),
        "own_s": round(own, 2),
        **floor,
        "ratio_to_floor": round(own / floor["floor_s"], 2),
        # CPU seconds of this process: steadier than wall time on a shared machine,
        # and whole on SQLite (the database runs in the process), not on PostgreSQL.
        "sync_cpu_s": round(sync_cpu, 2),
        "fetch_cpu_s": round(fetch_cpu, 2),
        "own_cpu_s": round(sync_cpu - fetch_cpu, 2),
        "floor_cpu_s": round(floor_cpu, 2),
        "cpu_ratio_to_floor": round((sync_cpu - fetch_cpu) / max(floor_cpu, 0.01), 2),
        "load_average": os.getloadavg()[0],
    }


def empty_postgres_database() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")


def connection_vendor() -> str:
    from django.db import connection

    return str(connection.vendor)


def start_simulator(
    size: int, workdir: Path, *, seed: int = 11
) -> tuple[subprocess.Popen[bytes], str]:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    db = workdir / "khaos.sqlite3"
    command = [sys.executable, "-m", "khaos_sync.cli", "simulate", "serve", "--port", str(port)]
    process = subprocess.Popen(
        [*command, "--db", str(db), "--generate", str(size), "--seed", str(seed)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/KhaosKSD.exe/soap/IKosWeb"
    wait_for(url.replace("/soap/", "/wsdl/"))
    return process, url


def wait_for(url: str) -> None:
    import httpx

    for _ in range(3000):
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise RuntimeError(f"simulator did not start: {url}")


def fetch_documents(url: str) -> tuple[list[bytes], float]:
    """The documents a full sync fetches, in its chunks, and the time to fetch them."""
    from django.conf import settings

    from khaos_sync.protocol.client import KhaosClient

    chunk = settings.KHAOS_SYNC["catalogue"]["export_chunk"]
    started = time.perf_counter()
    with KhaosClient(url) as client:
        listing = client.get_stock_list(date_type=0, date_value=date(1900, 1, 1))
        codes = list(dict.fromkeys(e.parent_code or e.stock_code for e in listing.entries))
        documents = [
            client.export_stock(stock_code=",".join(codes[i : i + chunk]), mapping_type=1).encode()
            for i in range(0, len(codes), chunk)
        ]
    return documents, time.perf_counter() - started


def measure_floor(documents: list[bytes], workdir: Path) -> dict[str, float]:
    from lxml import etree

    started, cpu_started = time.perf_counter(), time.process_time()
    for document in documents:
        etree.fromstring(document)
    parse_seconds = time.perf_counter() - started
    parse_cpu = time.process_time() - cpu_started
    if connection_vendor() == "postgresql":
        insert_seconds, rows_written, insert_cpu = postgres_floor()
    else:
        insert_seconds, rows_written, insert_cpu = sqlite_floor(workdir)
    return {
        "floor_cpu_s": parse_cpu + insert_cpu,
        "floor_parse_s": round(parse_seconds, 2),
        "floor_insert_s": round(insert_seconds, 2),
        "floor_s": round(parse_seconds + insert_seconds, 2),
        "rows_written": rows_written,
    }


def sqlite_floor(workdir: Path) -> tuple[float, int, float]:
    """Rows into a second file with the tables' own schema and indexes, the shop's pragmas."""
    source = sqlite3.connect(workdir / "shop" / "shop.sqlite3")
    target = sqlite3.connect(workdir / "floor.sqlite3", isolation_level=None)
    target.execute("PRAGMA journal_mode=WAL")
    target.execute("PRAGMA synchronous=NORMAL")
    target.execute("PRAGMA foreign_keys=ON")
    for table in TABLES:
        for (sql,) in source.execute(
            "SELECT sql FROM sqlite_master WHERE tbl_name=? AND sql IS NOT NULL"
            " ORDER BY type = 'index'",
            (table,),
        ):
            target.execute(sql)
    target.execute("PRAGMA foreign_keys=OFF")  # the referenced tables are not copied
    seconds, count, cpu = 0.0, 0, 0.0
    for table in TABLES:
        rows = source.execute(f'SELECT * FROM "{table}"').fetchall()
        if not rows:
            continue
        marks = ",".join("?" * len(rows[0]))
        started, cpu_started = time.perf_counter(), time.process_time()
        target.execute("BEGIN IMMEDIATE")
        target.executemany(f'INSERT INTO "{table}" VALUES ({marks})', rows)
        target.execute("COMMIT")
        seconds += time.perf_counter() - started
        cpu += time.process_time() - cpu_started
        count += len(rows)
    return seconds, count, cpu


def postgres_floor() -> tuple[float, int, float]:
    """Rows into empty copies (LIKE … INCLUDING ALL: indexes, constraints) in a scratch schema."""
    from django.db import connection

    seconds, count, cpu = 0.0, 0, 0.0
    with connection.cursor() as cursor:
        cursor.execute("DROP SCHEMA IF EXISTS bench_floor CASCADE; CREATE SCHEMA bench_floor")
        for table in TABLES:
            cursor.execute(f'CREATE TABLE bench_floor."{table}" (LIKE "{table}" INCLUDING ALL)')
        for table in TABLES:
            cursor.execute(f'SELECT * FROM "{table}"')
            rows = cursor.fetchall()
            if not rows:
                continue
            marks = ",".join(["%s"] * len(rows[0]))
            started, cpu_started = time.perf_counter(), time.process_time()
            with connection.cursor() as raw:
                raw.executemany(f'INSERT INTO bench_floor."{table}" VALUES ({marks})', rows)
            seconds += time.perf_counter() - started
            cpu += time.process_time() - cpu_started
            count += len(rows)
        cursor.execute("DROP SCHEMA bench_floor CASCADE")
    return seconds, count, cpu


def summarise(runs: list[dict[str, Any]]) -> dict[str, Any]:
    ratios = [r["ratio_to_floor"] for r in runs]
    return {
        "size": runs[0]["size"],
        "database": runs[0]["database"],
        "runs": len(runs),
        "ratio_min": min(ratios),
        "ratio_median": statistics.median(ratios),
        "own_s_median": statistics.median(r["own_s"] for r in runs),
        "floor_s_median": statistics.median(r["floor_s"] for r in runs),
        "peak_rss_mb_max": max(r["peak_rss_mb"] for r in runs),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--runs", type=int, default=1, help="runs per size (min and median)")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        with tempfile.TemporaryDirectory(prefix="bench-catalogue-") as tmp:
            print(json.dumps(run_one(args.one, Path(tmp))))
        return
    for size in (int(s) for s in args.sizes.split(",")):
        runs = []
        for _ in range(args.runs):
            out = subprocess.run(
                [sys.executable, __file__, "--one", str(size)], capture_output=True, text=True
            )
            lines = [line for line in out.stdout.splitlines() if line.startswith('{"database"')]
            if not lines:
                print(f"size {size} failed:\n{out.stderr[-3000:]}", flush=True)
                break
            print(lines[-1], flush=True)
            runs.append(json.loads(lines[-1]))
        if len(runs) > 1:
            print(json.dumps(summarise(runs)), flush=True)


if __name__ == "__main__":
    main()
