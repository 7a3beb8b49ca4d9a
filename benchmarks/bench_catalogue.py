"""Catalogue sync benchmark: full sync of 1k / 10k / 100k variants from the simulator.

For each size, in a fresh process (so peak RSS is that size's own):
  * the sync: wall time, variants/s, peak RSS, SOAP calls;
  * the floor, measured in the same run: lxml parsing of the same ExportStock
    documents plus raw ``executemany`` inserts of the same rows the sync wrote
    into empty copies of the same tables.

Usage: python benchmarks/bench_catalogue.py [--sizes 1000,10000,100000]
Reports numbers only; it asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TABLES = (
    "catalogue_product",
    "partner_stockrecord",
    "khaos_catalogue_productbinding",
    "catalogue_productattributevalue",
    "catalogue_product_tags",
    "catalogue_productcategory",
    "khaos_catalogue_bundlecomponent",
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

    call_command("migrate", verbosity=0)
    from khaos_sync.sync.catalogue.flow import sync_catalogue_once

    started = time.perf_counter()
    run = sync_catalogue_once(full=True, url=url)
    sync_seconds = time.perf_counter() - started
    rss = peak_rss_mb()
    from khaos_sync.sync.catalogue.models import ProductBinding

    variants = ProductBinding.objects.exclude(structure="parent").count()
    floor = measure_floor(url, workdir)
    sim.terminate()
    sim.wait()
    return {
        "size": size,
        "generation_s": round(generation, 2),
        "sync_s": round(sync_seconds, 2),
        "variants": variants,
        "variants_per_s": round(variants / sync_seconds, 1),
        "peak_rss_mb": round(rss, 1),
        "soap_calls": run.khaos_calls,
        "failed": run.failed,
        **floor,
        "ratio_to_floor": round(sync_seconds / floor["floor_s"], 2),
    }


def start_simulator(size: int, workdir: Path) -> tuple[subprocess.Popen[bytes], str]:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    db = workdir / "khaos.sqlite3"
    command = [sys.executable, "-m", "khaos_sync.cli", "simulate", "serve", "--port", str(port)]
    process = subprocess.Popen(
        [*command, "--db", str(db), "--generate", str(size), "--seed", "11"],
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


def measure_floor(url: str, workdir: Path) -> dict[str, float]:
    from lxml import etree

    from khaos_sync.protocol.client import KhaosClient

    with KhaosClient(url) as client:
        codes = sorted(
            {
                e.parent_code or e.stock_code
                for e in client.get_stock_list(
                    date_type=0, date_value=__import__("datetime").date(1900, 1, 1)
                ).entries
            }
        )
        documents = [
            client.export_stock(stock_code=",".join(codes[i : i + 200]), mapping_type=1).encode()
            for i in range(0, len(codes), 200)
        ]
    started = time.perf_counter()
    for document in documents:
        etree.fromstring(document)
    parse_seconds = time.perf_counter() - started
    source = sqlite3.connect(workdir / "shop" / "shop.sqlite3")
    target = sqlite3.connect(workdir / "floor.sqlite3")
    rows_written = 0
    insert_seconds = 0.0
    for table in TABLES:
        schema = source.execute(
            "SELECT sql FROM sqlite_master WHERE type='table' AND name=?", (table,)
        ).fetchone()[0]
        target.execute(schema)
        rows = source.execute(f'SELECT * FROM "{table}"').fetchall()
        if not rows:
            continue
        marks = ",".join("?" * len(rows[0]))
        started = time.perf_counter()
        with target:
            target.executemany(f'INSERT INTO "{table}" VALUES ({marks})', rows)
        insert_seconds += time.perf_counter() - started
        rows_written += len(rows)
    return {
        "floor_parse_s": round(parse_seconds, 2),
        "floor_insert_s": round(insert_seconds, 2),
        "floor_s": round(parse_seconds + insert_seconds, 2),
        "rows_written": rows_written,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        with tempfile.TemporaryDirectory(prefix="bench-catalogue-") as tmp:
            print(json.dumps(run_one(args.one, Path(tmp))))
        return
    for size in (int(s) for s in args.sizes.split(",")):
        out = subprocess.run(
            [sys.executable, __file__, "--one", str(size)], capture_output=True, text=True
        )
        lines = [line for line in out.stdout.splitlines() if line.startswith('{"size"')]
        print(lines[-1] if lines else f"size {size} failed:\n{out.stderr[-3000:]}", flush=True)


if __name__ == "__main__":
    main()
