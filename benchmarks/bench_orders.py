"""Benchmark of the order export: placed → imported latency and throughput.

Sets up a throw-away shop (SQLite by default, or DATABASE_URL) and a Khaos
simulator, then runs ``khaos-sync sync orders --loop`` as a separate process,
the way a deployment runs its exporter:

1. throughput: a backlog of N orders is queued, the exporter is started, and
   the time until the last one is imported gives orders per second;
2. latency: with the exporter idle, M orders are placed one at a time and the
   time from "placed" (order committed) to "imported" (Khaos answered and the
   outbox row recorded it) is measured; p50 / p95 / max are reported.

    PYTHONPATH=src python benchmarks/bench_orders.py [--backlog 500] [--orders 50] [--poll 1.0]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Any


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backlog", type=int, default=500, help="orders queued before start")
    parser.add_argument("--orders", type=int, default=50, help="orders placed one by one")
    parser.add_argument("--gap", type=float, default=0.3, help="seconds between those orders")
    parser.add_argument("--poll", type=float, default=1.0, help="[orders] poll_seconds")
    parser.add_argument("--batch", type=int, default=20, help="[orders] batch_size")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="khaos-orders-bench-"))
    try:
        print(json.dumps(run(args, workdir), indent=2))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def run(args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    from khaos_sync.simulator import run_in_thread

    with run_in_thread(workdir / "sim.sqlite3") as sim:
        env = shop_environment(workdir, sim.url, args)
        os.environ.update(env)
        setup_shop()
        products = khaos_products(sim, 5)
        backlog = [place(products, n) for n in range(args.backlog)]
        exporter = subprocess.Popen(
            [sys.executable, "-m", "khaos_sync.cli", "sync", "orders", "--loop"],
            env={**os.environ, **env},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            started = time.monotonic()
            wait_imported(backlog, timeout=600)
            drain = time.monotonic() - started
            single = []
            for n in range(args.orders):
                single.append(place(products, n))
                time.sleep(args.gap)
            wait_imported(single, timeout=120)
        finally:
            exporter.terminate()
            exporter.wait(timeout=60)
        latencies = latencies_of(single)
        return {
            "database": database_vendor(),
            "batch_size": args.batch,
            "poll_seconds": args.poll,
            "backlog_orders": args.backlog,
            "backlog_seconds": round(drain, 2),
            "throughput_orders_per_second": round(args.backlog / drain, 1),
            "latency_orders": len(latencies),
            "latency_p50_seconds": round(statistics.median(latencies), 3),
            "latency_p95_seconds": round(percentile(latencies, 95), 3),
            "latency_max_seconds": round(max(latencies), 3),
            "khaos_orders": sim.control.state()["counts"]["orders"],
        }


def shop_environment(workdir: Path, url: str, args: argparse.Namespace) -> dict[str, str]:
    return {
        "KHAOS_SYNC_DATA_DIR": str(workdir / "shop"),
        "DJANGO_SETTINGS_MODULE": "khaos_sync.shop.settings",
        "KHAOS_SYNC_KHAOS_URL": url,
        "KHAOS_SYNC_KHAOS_SALES_SOURCE": "INTERNET",
        "KHAOS_SYNC_KHAOS_COMPANY_CLASS": "Internet",
        "KHAOS_SYNC_ORDERS_SETTLE_SECONDS": "0",
        "KHAOS_SYNC_ORDERS_POLL_SECONDS": str(args.poll),
        "KHAOS_SYNC_ORDERS_BATCH_SIZE": str(args.batch),
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
    from django.utils import timezone
    from oscar.test import factories

    from khaos_sync.store.search import index_updates_paused
    from khaos_sync.sync.catalogue.models import ProductBinding

    products = []
    for n in range(count):
        code = f"BENCH{n:03d}"
        price = Decimal("4.99") + n
        sim.control.add_item(code, f"Bench item {n}", price, level=1_000_000)
        with index_updates_paused():
            product = factories.create_product(
                title=f"Bench item {n}", price=price, num_in_stock=1_000_000, vat_rate=Decimal(20)
            )
        ProductBinding.objects.create(
            stock_id=f"bench-{n}",
            product=product,
            stock_code=code,
            structure="standalone",
            synced_hash="",
            synced_at=timezone.now(),
        )
        products.append(product)
    return products


def place(products: list[Any], n: int) -> Any:
    from django.contrib.auth.models import AnonymousUser
    from oscar.core.loading import get_class, get_model
    from oscar.test import factories

    basket = get_model("basket", "Basket").objects.create()
    basket.strategy = get_class("partner.strategy", "Selector")().strategy()
    basket.add_product(products[n % len(products)], 1 + n % 3)
    basket.add_product(products[(n + 2) % len(products)], 1)
    address = get_model("order", "ShippingAddress").objects.create(
        first_name="Bench",
        last_name=f"Customer{n}",
        line1=f"{n} High Street",
        line4="York",
        postcode="YO1 7HH",
        country=factories.CountryFactory(),
    )
    method = get_class("shipping.methods", "FixedPrice")(Decimal("3.95"), Decimal("3.95"))
    return factories.create_order(
        basket=basket,
        user=AnonymousUser(),
        shipping_method=method,
        shipping_address=address,
        guest_email=f"bench{n}@example.com",
    )


def wait_imported(orders: list[Any], timeout: float) -> None:
    from khaos_sync.sync.orders.models import OrderExport

    ids = [order.pk for order in orders]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        waiting = OrderExport.objects.filter(order_id__in=ids).exclude(state="imported")
        if not waiting.exists():
            return
        time.sleep(0.05)
    raise SystemExit(f"orders not imported within {timeout} s")


def latencies_of(orders: list[Any]) -> list[float]:
    from khaos_sync.sync.orders.models import OrderExport

    rows = OrderExport.objects.filter(order_id__in=[o.pk for o in orders]).select_related("order")
    return [(row.imported_at - row.order.date_placed).total_seconds() for row in rows]


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered)) - 1))
    return ordered[index]


def database_vendor() -> str:
    from django.db import connection

    return connection.vendor


if __name__ == "__main__":
    main()
