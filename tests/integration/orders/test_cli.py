"""``khaos-sync sync orders``: one pass with a summary, and a loop that stops cleanly."""

from __future__ import annotations

import threading

import pytest
from click.testing import CliRunner

from khaos_sync.cli.orders import sync_orders
from khaos_sync.sync.orders import wake
from khaos_sync.sync.orders.flow import run_export_loop
from khaos_sync.sync.orders.models import OrderExport
from tests.integration.orders.support import khaos_product, place_order

pytestmark = pytest.mark.django_db


def test_sync_orders_sends_what_is_waiting_and_reports_it(khaos):
    product = khaos_product(khaos)
    orders = [place_order([(product, 1)]) for _ in range(3)]

    result = CliRunner().invoke(sync_orders, [])

    assert result.exit_code == 0, result.output
    assert "created" in result.output and "imported: 3" in result.output
    assert OrderExport.objects.filter(state="imported").count() == len(orders)
    again = CliRunner().invoke(sync_orders, [])
    assert "no orders waiting for Khaos" in again.output


@pytest.mark.django_db(transaction=True)  # the loop recycles its database connection
def test_the_loop_exports_until_asked_to_stop(khaos):
    order = place_order([(khaos_product(khaos), 1)])
    stop = threading.Event()
    runs = []

    def on_run(run):
        runs.append(run)
        stop.set()  # as SIGTERM would, between batches
        wake.wake_exporters()

    run_export_loop(stop=stop, on_run=on_run)

    assert [run.created for run in runs] == [1]
    assert OrderExport.objects.get(order=order).state == OrderExport.State.IMPORTED
