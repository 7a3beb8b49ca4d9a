"""An imported customer's first web order reaches Khaos under their own COMPANY_CODE."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from khaos_sync.simulator import RunningSimulator, run_in_thread
from khaos_sync.sync.customers.flow import import_customers
from khaos_sync.sync.orders.flow import export_orders_once
from tests.integration.orders.support import khaos_config, khaos_product, place_order

from .records import TWO_ADDRESSES, two_address_customer

pytestmark = pytest.mark.django_db


@pytest.fixture
def khaos(tmp_path: Path, settings) -> Iterator[RunningSimulator]:
    with run_in_thread(tmp_path / "sim.sqlite3", generate=100, seed=5) as sim:
        sim.store.put_customers([two_address_customer()])
        settings.KHAOS_SYNC = khaos_config(sim.url)
        yield sim


def khaos_customers(sim: RunningSimulator) -> int:
    return int(sim.store.connection().execute("SELECT COUNT(*) FROM customers").fetchone()[0])


def test_the_first_order_of_an_imported_customer_carries_their_khaos_code(khaos, django_user_model):
    import_customers()
    grace = django_user_model.objects.get(email="grace@example.com")
    customers_before = khaos_customers(khaos)

    order = place_order([(khaos_product(khaos), 1)], user=grace)
    export_orders_once()

    in_khaos = khaos.control.order(order.number)
    assert in_khaos["customer_detail"]["COMPANY_CODE"] == TWO_ADDRESSES
    assert in_khaos["company_code"] == TWO_ADDRESSES
    # Khaos matched the existing record instead of making a second Grace.
    assert khaos_customers(khaos) == customers_before
    grace.khaos_customer.refresh_from_db()
    assert grace.khaos_customer.company_code == TWO_ADDRESSES
