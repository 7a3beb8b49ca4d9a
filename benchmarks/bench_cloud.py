"""Cloud transport benchmark: the first StockUpload of a whole catalogue, then its levels.

The simulated Khaos Control Cloud's batches (built from the SOAP simulator's
catalogue, 200 items per push) are handed to the shop's inbox in process, so
the numbers are the shop's own work: reading the payload, storing it raw,
mapping and writing the catalogue. Compare with ``bench_catalogue.py`` (the
SOAP full sync of the same generated catalogue, seed 11).

Usage: python benchmarks/bench_cloud.py [--sizes 1000,10000]
Reports numbers only; it asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def run_one(size: int, workdir: Path) -> dict[str, float]:
    os.environ.update(
        KHAOS_SYNC_DATA_DIR=str(workdir / "shop"),
        DJANGO_SETTINGS_MODULE="khaos_sync.shop.settings",
        KHAOS_SYNC_SHOP_SEARCH_BACKEND="simple",
        KHAOS_SYNC_KHAOS_TRANSPORT="cloud",
        KHAOS_SYNC_CLOUD_USERNAME="bench",
        KHAOS_SYNC_CLOUD_PASSWORD="bench",
    )
    import django

    from khaos_sync.protocol.cloud.levels import write_stock_status_upload
    from khaos_sync.protocol.cloud.payload import Format
    from khaos_sync.protocol.cloud.stock import write_stock_upload
    from khaos_sync.simulator.cloud import feeds
    from khaos_sync.simulator.runner import open_store

    store = open_store(workdir / "khaos.sqlite3", generate=size, seed=11)
    started = time.perf_counter()
    pushes = [
        write_stock_upload(items, Format.JSON) for items in feeds.catalogue_batches(store, None)
    ]
    levels = [write_stock_status_upload(e, Format.JSON) for e in feeds.level_batches(store, None)]
    build_seconds = time.perf_counter() - started
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from khaos_sync.cloud.inbox import receive
    from khaos_sync.protocol.cloud.config import Endpoint
    from khaos_sync.sync.catalogue.models import ProductBinding

    started = time.perf_counter()
    for body in pushes:
        assert receive(Endpoint.STOCK_UPLOAD, Format.JSON, body).status == 200
    catalogue_seconds = time.perf_counter() - started
    started = time.perf_counter()
    for body in levels:
        assert receive(Endpoint.STOCK_STATUS_UPLOAD, Format.JSON, body).status == 200
    level_seconds = time.perf_counter() - started
    started = time.perf_counter()
    for body in pushes:
        receive(Endpoint.STOCK_UPLOAD, Format.JSON, body)
    repeat_seconds = time.perf_counter() - started
    variants = ProductBinding.objects.exclude(structure="parent").count()
    return {
        "size": size,
        "pushes": len(pushes),
        "payload_mb": round(sum(map(len, pushes)) / 1e6, 1),
        "kcc_build_s": round(build_seconds, 2),
        "catalogue_s": round(catalogue_seconds, 2),
        "variants": variants,
        "variants_per_s": round(variants / catalogue_seconds, 1),
        "level_pushes": len(levels),
        "levels_s": round(level_seconds, 2),
        "same_pushes_again_s": round(repeat_seconds, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        with tempfile.TemporaryDirectory() as tmp:
            print(json.dumps(run_one(args.one, Path(tmp))))
        return
    for size in (int(s) for s in args.sizes.split(",")):
        output = subprocess.run(
            [sys.executable, __file__, "--one", str(size)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        print(output.strip().splitlines()[-1])


if __name__ == "__main__":
    main()
