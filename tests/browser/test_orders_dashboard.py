"""A person sees an order Khaos refused, fixes the cause and retries it from the dashboard."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from khaos_sync.simulator import RunningSimulator, run_in_thread
from khaos_sync.sync.orders.flow import export_orders_once
from khaos_sync.sync.orders.models import OrderExport
from tests.integration.orders.support import khaos_config, khaos_product, place_order


@pytest.fixture
def khaos(tmp_path: Path, settings) -> Iterator[RunningSimulator]:
    with run_in_thread(tmp_path / "sim.sqlite3") as sim:
        settings.KHAOS_SYNC = khaos_config(sim.url)
        yield sim


def test_a_held_order_is_shown_with_its_reason_and_retried(logged_in_page, live_server, khaos):
    page = logged_in_page
    product = khaos_product(khaos, "19.99")
    code = product.khaos.stock_code
    khaos.control.edit_item(code, discontinued=True)
    held = place_order([(product, 1)])
    fine = place_order([(khaos_product(khaos, "5.00"), 1)])
    export_orders_once()

    page.goto(f"{live_server.url}/dashboard/orders/")
    expect(page.locator("#khaos-held-count")).to_have_text("1")
    row = page.locator("tr", has=page.locator(f"a:text-is('{held.number}')"))
    expect(row.locator(".khaos-state")).to_have_text("Held")
    expect(
        page.locator("tr", has=page.locator(f"a:text-is('{fine.number}')")).locator(".khaos-state")
    ).to_have_text("Imported")

    page.goto(f"{live_server.url}/dashboard/orders/{held.number}/")
    panel = page.locator("#khaos-export")
    expect(panel.locator(".khaos-state")).to_have_text("Held")
    expect(panel.locator(".khaos-reason")).to_contain_text(f"Stock item {code} is discontinued")

    khaos.control.edit_item(code, discontinued=False)  # a person fixes it in Khaos
    page.click("#khaos-retry")
    expect(page.locator(".alert-success")).to_contain_text("will be sent to Khaos again")
    expect(panel.locator(".khaos-state")).to_have_text("Queued")

    export_orders_once()
    page.reload()
    expect(panel.locator(".khaos-state")).to_have_text("Imported")
    expect(panel).to_contain_text(OrderExport.objects.get(order=held).khaos_order_code)


def test_held_orders_are_retried_in_bulk_from_the_order_list(logged_in_page, live_server, khaos):
    page = logged_in_page
    product = khaos_product(khaos, "3.00")
    khaos.control.edit_item(product.khaos.stock_code, discontinued=True)
    orders = [place_order([(product, 1)]) for _ in range(3)]
    export_orders_once()
    khaos.control.edit_item(product.khaos.stock_code, discontinued=False)

    page.goto(f"{live_server.url}/dashboard/orders/")
    expect(page.locator("#khaos-held-count")).to_have_text("3")
    page.click("#khaos-retry-all")
    expect(page.locator(".alert-success")).to_contain_text("3 orders will be sent to Khaos again")
    expect(page.locator("#khaos-held-count")).to_have_text("0")

    export_orders_once()
    page.goto(f"{live_server.url}/dashboard/khaos/orders/?state=imported")
    for order in orders:
        expect(page.locator(f"tr[data-order='{order.number}'] .khaos-state")).to_have_text(
            "Imported"
        )


def test_retrying_needs_a_staff_member(page, live_server, khaos):
    place_order([(khaos_product(khaos), 1)])
    export = OrderExport.objects.get()
    response = page.request.post(f"{live_server.url}/dashboard/khaos/orders/{export.pk}/retry/")
    # Refused before anything happens: no CSRF token, and no staff login either.
    assert not response.ok or re.search(r"/login/", response.url)
    export.refresh_from_db()
    assert export.state == OrderExport.State.QUEUED and export.attempts == 0
