"""Two exporters with their own database connections never send an order twice."""

from __future__ import annotations

import threading
import time
from collections import Counter

import pytest
from django.db import connection, connections, transaction

from khaos_sync.sync.orders.flow import export_orders_once
from khaos_sync.sync.orders.models import OrderExport
from tests.integration.orders.support import khaos_config, khaos_product, place_order, refs_in_khaos

FAULTS = (
    "ImportOrders:drop-after-commit@rate=0.04;ImportOrders:http500@rate=0.03;"
    "ImportOrders:drop-before@rate=0.03;seed=11"
)


def run_exporters(count: int, deadline: float) -> list[BaseException]:
    errors: list[BaseException] = []

    def exporter() -> None:
        try:
            while time.monotonic() < deadline:
                if export_orders_once() is None:
                    if not OrderExport.objects.exclude(state=OrderExport.State.IMPORTED).exists():
                        return
                    time.sleep(0.05)
        except BaseException as exc:  # reported to the test thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=exporter, name=f"exporter-{n}") for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def export_concurrently(sim, settings, orders: int, batch_size: int) -> list[str]:
    settings.KHAOS_SYNC = khaos_config(sim.url, batch_size=batch_size, max_attempts=50)
    products = [khaos_product(sim, price) for price in ("4.99", "12.50", "0.99")]
    numbers = []
    for start in range(0, orders, 100):
        # One commit per hundred orders: placing them is not what is being tested.
        with transaction.atomic():
            numbers += [
                str(place_order([(products[n % 3], 1 + n % 4), (products[(n + 1) % 3], 1)]).number)
                for n in range(start, min(start + 100, orders))
            ]
    sim.control.set_faults(FAULTS)
    errors = run_exporters(2, time.monotonic() + 240)
    assert not errors, errors
    return numbers


@pytest.mark.postgres
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_two_exporters_on_postgresql_import_1000_orders_exactly_once(sim, settings):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: row locks with SKIP LOCKED")
    numbers = export_concurrently(sim, settings, 1000, batch_size=20)

    assert Counter(refs_in_khaos(sim)) == Counter(numbers)
    assert OrderExport.objects.filter(state=OrderExport.State.IMPORTED).count() == 1000
    faults = sim.control.faults.describe()
    assert sum(rule["fired"] for rule in faults["rules"]) > 0


@pytest.mark.django_db(transaction=True)
def test_two_exporters_on_one_database_take_turns(sim, settings):
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        # pytest-django's in-memory SQLite uses a shared cache, whose table locks do not
        # wait for the busy timeout the shop's file database uses.
        pytest.skip("needs a file database for several connections")
    numbers = export_concurrently(sim, settings, 30, batch_size=3)

    assert Counter(refs_in_khaos(sim)) == Counter(numbers)
    assert OrderExport.objects.filter(state=OrderExport.State.IMPORTED).count() == 30
