"""Full stock refresh benchmark: wall time, rows per second, SOAP calls, and the floor.

Generates a simulated Khaos of N items (in its own process, as a Khaos server
is), binds every sellable item to a shop product with one stock record per web
site (Warehouse and Shop), then runs ``sync_stock_once(full=True)`` against the
simulator over real HTTP. In the
same run it measures the floor: a raw ``executemany`` of exactly the record
updates the refresh made. Run with ``PYTHONPATH=src``:

    python benchmarks/bench_stock.py --items 100000
    python benchmarks/bench_stock.py --items 20000 --json
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench python benchmarks/bench_stock.py

With PostgreSQL each run drops and recreates the tables of that database.

``--changed 0.01``: the issue's stock measure. A first refresh primes the
shop, then 1% of the items' levels change in the simulator and the second
refresh is timed; its own time (minus the Khaos calls) is compared with its
floor: lxml parsing of the same ExportStockStatus documents plus a raw
``executemany`` of exactly the records that refresh wrote.

The search backend is Haystack's no-op "simple" engine so the figure is the
stock path itself (a Whoosh refresh of the products that went in or out of
stock comes on top).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

import bench_catalogue  # the same simulator process

WEB_SITES = "1,2"


def prepare_environment(data_dir: Path) -> None:
    os.environ["KHAOS_SYNC_DATA_DIR"] = str(data_dir)
    os.environ["KHAOS_SYNC_KHAOS_STOCK_SITES"] = WEB_SITES
    os.environ["KHAOS_SYNC_SHOP_SEARCH_BACKEND"] = "simple"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "khaos_sync.shop.settings")
    import django

    django.setup()
    from django.core.management import call_command

    if bench_catalogue.connection_vendor() == "postgresql":
        bench_catalogue.empty_postgres_database()  # a fresh shop each run
    call_command("migrate", verbosity=0)


def bind_shop_products(store: Any) -> int:
    """A bound product with a record per web site for every item that holds stock."""
    from django.db import transaction
    from django.utils import timezone
    from oscar.core.loading import get_model

    from khaos_sync.store.sites import site_partner
    from khaos_sync.sync.catalogue.models import ProductBinding

    product_model = get_model("catalogue", "Product")
    record_model = get_model("partner", "StockRecord")
    partners = [site_partner(1, "Warehouse"), site_partner(2, "Shop")]
    rows = store.query("SELECT stock_id, code FROM items WHERE kind NOT IN ('scs_parent')")
    now = timezone.now()
    for start in range(0, len(rows), 5000):
        chunk = rows[start : start + 5000]
        with transaction.atomic():
            products = product_model.objects.bulk_create(
                [
                    product_model(
                        upc=r["code"], title=r["code"], slug=r["code"].lower(),
                        structure="standalone", date_created=now,
                    )
                    for r in chunk
                ]
            )  # fmt: skip
            ProductBinding.objects.bulk_create(
                [
                    ProductBinding(
                        stock_id=str(r["stock_id"]), product=p, stock_code=r["code"],
                        structure="standalone", synced_hash="-", synced_at=now,
                    )
                    for r, p in zip(chunk, products, strict=True)
                ]
            )  # fmt: skip
            record_model.objects.bulk_create(
                [
                    record_model(
                        product=p, partner=partner, partner_sku=p.upc, price="9.99",
                        num_in_stock=999_999,  # so the refresh rewrites every record
                    )
                    for p in products
                    for partner in partners
                ]
            )  # fmt: skip
    return len(rows)


def measure_refresh(url: str) -> dict[str, Any]:
    from khaos_sync.sync.stock.flow import sync_stock_once

    started, cpu = time.perf_counter(), time.process_time()
    run = sync_stock_once(full=True, url=url)
    wall = time.perf_counter() - started
    return {"run": run, "wall": wall, "cpu": time.process_time() - cpu}


def measure_floor() -> tuple[float, int]:
    """The same updates (every record to its current level) as one raw executemany."""
    from django.db import connection, transaction
    from django.utils import timezone
    from oscar.core.loading import get_model

    record_model = get_model("partner", "StockRecord")
    table = connection.ops.quote_name(record_model._meta.db_table)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    updates = [
        (level, now, pk)
        for pk, level in record_model.objects.values_list("pk", "num_in_stock").iterator()
    ]
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table} SET num_in_stock = %s, num_allocated = 0, date_updated = %s"
            " WHERE id = %s",
            updates,
        )
    return time.perf_counter() - started, len(updates)


def change_levels(store: Any, share: float, seed: int) -> int:
    """Add one unit at the first site to ``share`` of the items that hold stock."""
    import random

    rows = store.query("SELECT DISTINCT stock_id FROM levels WHERE site_id = 1 ORDER BY stock_id")
    ids = random.Random(seed).sample([r[0] for r in rows], max(1, int(len(rows) * share)))
    for stock_id in ids:
        store.add_level(stock_id, 1, 1)
    return len(ids)


@dataclass
class Fetched:
    parse: float  # lxml parsing of the documents: the floor's first part
    wall: float  # fetching them one after the other
    cpu: float  # the process CPU of fetching them (HTTP, unwrapping the SOAP string)


def parse_seconds(url: str, codes: list[str], chunk: int) -> Fetched:
    """lxml parsing of the ExportStockStatus documents the refresh reads, and their fetching."""
    from lxml import etree

    from khaos_sync.protocol.client import KhaosClient

    fetching, fetching_cpu = time.perf_counter(), time.process_time()
    with KhaosClient(url) as client:
        documents = [
            client.export_stock_status(
                stock_code=",".join(codes[i : i + chunk]), mapping_type=1, site_id=-1
            ).encode()
            for i in range(0, len(codes), chunk)
        ]
    fetch_wall = time.perf_counter() - fetching
    fetch_cpu = time.process_time() - fetching_cpu
    started = time.perf_counter()
    for document in documents:
        etree.fromstring(document)
    return Fetched(time.perf_counter() - started, fetch_wall, fetch_cpu)


def written_floor(since: Any) -> tuple[float, int]:
    """A raw executemany of exactly the record updates made since ``since``."""
    from django.db import connection, transaction
    from django.utils import timezone
    from oscar.core.loading import get_model

    record_model = get_model("partner", "StockRecord")
    table = connection.ops.quote_name(record_model._meta.db_table)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    updates = [
        (level, now, pk)
        for pk, level in record_model.objects.filter(date_updated__gte=since).values_list(
            "pk", "num_in_stock"
        )
    ]
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table} SET num_in_stock = %s, num_allocated = 0, date_updated = %s"
            " WHERE id = %s",
            updates,
        )
    return time.perf_counter() - started, len(updates)


def measure_changed(sim: Any, share: float, seed: int) -> dict[str, Any]:
    from django.conf import settings
    from django.utils import timezone

    from khaos_sync.store.stock import bound_sellable_codes

    measure_refresh(sim.url)  # primes every item's stock row
    changed = change_levels(sim.store, share, seed)
    since = timezone.now()
    refresh = measure_refresh(sim.url)
    run = refresh["run"]
    own = refresh["wall"] - run.summary.get("khaos_seconds", 0)
    write, records = written_floor(since)
    chunk = settings.KHAOS_SYNC["stock"]["export_chunk"]
    fetched = parse_seconds(sim.url, bound_sellable_codes(), chunk)
    floor = fetched.parse + write
    own_cpu = refresh["cpu"] - fetched.cpu
    by_fetch = refresh["wall"] - fetched.wall
    return {
        "changed_items": changed,
        "records_written": records,
        "refresh_seconds": round(refresh["wall"], 2),
        "khaos_seconds": run.summary.get("khaos_seconds"),
        "own_seconds": round(own, 2),
        "floor_parse_seconds": round(fetched.parse, 2),
        "floor_write_seconds": round(write, 2),
        "ratio_to_floor": round(own / floor, 2),
        # Two stricter readings. Waiting for the next chunk also hides the work done
        # while it arrives; so: the refresh less fetching the same documents one
        # after the other (the catalogue benchmark's reading), and the process CPU
        # less the CPU of that fetching.
        "fetch_seconds": round(fetched.wall, 2),
        "own_by_fetch_seconds": round(by_fetch, 2),
        "ratio_by_fetch": round(by_fetch / floor, 2),
        "refresh_cpu_seconds": round(refresh["cpu"], 2),
        "fetch_cpu_seconds": round(fetched.cpu, 2),
        "own_cpu_seconds": round(own_cpu, 2),
        "cpu_ratio_to_floor": round(own_cpu / floor, 2),
        "soap_calls": run.khaos_calls,
        "outcome": run.outcome,
    }


@dataclass
class Simulator:
    url: str
    store: Any


@contextmanager
def simulator_process(items: int, seed: int, work: Path) -> Iterator[Simulator]:
    """The simulator in its own process, as a Khaos server is: its CPU is not the refresh's.

    Its database is shared: levels are changed through a second connection to it.
    """
    from khaos_sync.simulator.store import Store

    process, url = bench_catalogue.start_simulator(items, work, seed=seed)
    store = Store(work / "khaos.sqlite3")
    try:
        yield Simulator(url, store)
    finally:
        store.close()
        process.terminate()
        process.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=100_000, help="simulated sellable items")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.add_argument("--changed", type=float, help="share of levels changed (e.g. 0.01)")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="bench-stock-"))
    prepare_environment(work / "shop")

    started = time.perf_counter()
    with simulator_process(args.items, args.seed, work) as sim:
        items = bind_shop_products(sim.store)
        setup = time.perf_counter() - started
        if args.changed:
            result = {"items": items, **measure_changed(sim, args.changed, args.seed)}
            print(json.dumps(result, indent=2 if not args.json else None))
            return
        refresh = measure_refresh(sim.url)
    floor, records = measure_floor()

    run = refresh["run"]
    result = {
        "items": items,
        "stock_records": records,
        "setup_seconds": round(setup, 1),
        "refresh_seconds": round(refresh["wall"], 2),
        "items_per_second": round(items / refresh["wall"]),
        "records_per_second": round(records / refresh["wall"]),
        "soap_calls": run.khaos_calls,
        "khaos_seconds": run.summary.get("khaos_seconds"),
        "write_seconds": run.summary.get("write_seconds"),
        "updated": run.updated,
        "floor_seconds": round(floor, 2),
        "floor_records_per_second": round(records / floor),
        "ratio_to_floor": round(refresh["wall"] / floor, 2),
        "write_ratio_to_floor": round(run.summary.get("write_seconds", 0) / floor, 2),
        "database": os.environ.get("DATABASE_URL", "sqlite").split("@")[-1],
        "outcome": run.outcome,
    }
    if args.json:
        json.dump(result, sys.stdout, indent=2)
        print()
        return
    for name, value in result.items():
        print(f"{name:>26}  {value}")


if __name__ == "__main__":
    main()
