"""Order status benchmark: N shop orders (3 lines each) followed through Khaos's stages.

A simulator runs in its own process (as a Khaos server would). N orders are
placed in the shop and imported into Khaos; then, for each step, Khaos moves
every order and one scheduled status poll brings the shop up to date:

  1. staged (10)              → Processing
  2. picking (12)             → Picking
  3. 2 of 3 lines shipped     → Part dispatched, one shipment and e-mail each
  4. the rest shipped         → Dispatched, a second shipment and e-mail each
  5. nothing new (replay)     → every order unchanged

Reported per poll: SOAP calls, seconds, seconds per 1,000 orders, counts.

Usage: python benchmarks/bench_status.py [--orders 1000]
Reports numbers only; it asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

LINES_PER_ORDER = 3
IMPORT_BATCH = 100


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=1000)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="khaos-status-bench-"))
    try:
        print(json.dumps(run(args.orders, workdir), indent=2))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def run(count: int, workdir: Path) -> dict[str, Any]:
    os.environ["KHAOS_SYNC_DATA_DIR"] = str(workdir / "shop")
    os.environ["DJANGO_SETTINGS_MODULE"] = "khaos_sync.shop.settings"
    os.environ["KHAOS_SYNC_SHOP_SEARCH_BACKEND"] = "simple"
    import django

    sim, url, control = start_simulator(workdir)
    try:
        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        control.configure(check_order_amount=False)
        orders, setup_seconds = timed(lambda: place_orders(url, count))
        return {"orders": count, "lines_per_order": LINES_PER_ORDER} | {
            "setup_seconds": round(setup_seconds, 1),
            "polls": follow_orders(url, control, orders),
        }
    finally:
        sim.terminate()
        sim.wait()


def follow_orders(url: str, control: Any, orders: list[Any]) -> list[dict[str, Any]]:
    numbers = [order.number for order in orders]
    codes = {order.number: [line.partner_sku for line in order.lines.all()] for order in orders}
    steps = [
        ("staged", lambda: None),
        ("picking", lambda: [control.set_stage(n, 12) for n in numbers]),
        ("2 of 3 lines shipped", lambda: [ship_two(control, n, codes[n]) for n in numbers]),
        ("the rest shipped", lambda: [control.ship(n, consignment_ref=f"D{n}") for n in numbers]),
        ("replay: nothing new", lambda: None),
    ]
    return [poll(name, change, url, len(orders)) for name, change in steps]


def ship_two(control: Any, number: str, codes: list[str]) -> None:
    control.ship(number, dict.fromkeys(codes[:2], 1), consignment_ref=f"R{number}")


def poll(name: str, change: Any, url: str, count: int) -> dict[str, Any]:
    from khaos_sync.sync.status.flow import sync_status_once

    change()
    run, seconds = timed(lambda: sync_status_once(url=url))
    return {
        "step": name,
        "soap_calls": run.khaos_calls,
        "seconds": round(seconds, 2),
        "seconds_per_1000_orders": round(seconds * 1000 / count, 2),
        "updated": run.updated,
        "unchanged": run.unchanged,
        "shipments_created": run.created,
        "emails": run.summary.get("emails"),
        "failed": run.failed,
    }


def place_orders(url: str, count: int) -> list[Any]:
    """Shop orders with three lines each, imported into Khaos as the order export would."""
    from django.utils import timezone
    from oscar.core.loading import get_class, get_model
    from oscar.test import factories

    from khaos_sync.protocol.client import KhaosClient
    from khaos_sync.sync.catalogue.flow import sync_catalogue_once
    from khaos_sync.sync.core.cursors import advance_cursor

    sync_catalogue_once(url=url)
    products = sellable_products()
    strategy = get_class("partner.strategy", "Selector")().strategy()
    basket_model = get_model("basket", "Basket")
    orders = []
    for index in range(count):
        basket = basket_model.objects.create()
        basket.strategy = strategy
        for offset in range(LINES_PER_ORDER):
            basket.add_product(products[(index + offset) % len(products)], 1)
        order = factories.create_order(basket=basket, guest_email=f"c{index}@example.com")
        order.refresh_from_db()
        orders.append(order)
    # Polls from here on are the regular ones, not the first week-long look back.
    advance_cursor("status", timezone.now())
    with KhaosClient(url, timeout=120) as client:
        for start in range(0, count, IMPORT_BATCH):
            result = client.import_orders(
                orders=import_document(orders[start : start + IMPORT_BATCH])
            )
            if result.skipped:
                raise RuntimeError(f"Khaos skipped orders: {result.skipped[:3]}")
    return orders


def sellable_products() -> list[Any]:
    from khaos_sync.sync.catalogue.models import ProductBinding

    bindings = ProductBinding.objects.filter(
        structure="standalone", discontinued=False, run_to_zero=False, stock_controlled=True
    ).select_related("product")
    return [binding.product for binding in bindings if binding.product.stockrecords.exists()]


def import_document(orders: list[Any]) -> str:
    from khaos_sync.protocol.documents.orders import (
        Address,
        Customer,
        OrderHeader,
        OrderItem,
        SalesOrder,
        build_orders,
    )

    address = Address(address1="1 High Street", town="York", postcode="YO1 7HH", surname="Bench")
    return build_orders(
        [
            SalesOrder(
                customer=Customer(invoice_address=address, other_ref=f"bench-{order.number}"),
                header=OrderHeader(associated_ref=order.number, delivery_grs=Decimal("0")),
                items=tuple(
                    OrderItem(
                        stock_code=line.partner_sku,
                        order_qty=Decimal(line.quantity),
                        price_grs=line.unit_price_incl_tax,
                        import_ref=str(line.pk),
                    )
                    for line in order.lines.all()
                ),
            )
            for order in orders
        ]
    ).decode("utf-8")


def start_simulator(workdir: Path) -> tuple[subprocess.Popen[bytes], str, Any]:
    from khaos_sync.simulator.control import Control
    from khaos_sync.simulator.store import Store

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    db = workdir / "khaos.sqlite3"
    command = [sys.executable, "-m", "khaos_sync.cli", "simulate", "serve", "--port", str(port)]
    process = subprocess.Popen(
        [*command, "--db", str(db), "--generate", "300", "--seed", "11"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/KhaosKSD.exe/soap/IKosWeb"
    wait_for(url.replace("/soap/", "/wsdl/"))
    return process, url, Control(Store(db))


def wait_for(url: str) -> None:
    import httpx

    for _ in range(3000):
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"simulator did not start: {url}")


def timed(action: Any) -> tuple[Any, float]:
    started = time.perf_counter()
    result = action()
    return result, time.perf_counter() - started


if __name__ == "__main__":
    main()
