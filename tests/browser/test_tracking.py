"""A customer follows their parcel from their order page."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from khaos_sync.simulator import RunningSimulator, run_in_thread
from khaos_sync.sync.status.flow import sync_status_once
from tests.integration.status.support import Shop

PASSWORD = "parcel-pass-1"


@pytest.fixture
def sim(tmp_path: Path) -> Iterator[RunningSimulator]:
    with run_in_thread(tmp_path / "sim.sqlite3", generate=30, seed=5) as running:
        running.control.configure(check_order_amount=False)
        yield running


def test_the_customer_sees_the_tracking_link_on_their_order_page(
    page, live_server, transactional_db, django_user_model, sim: RunningSimulator
) -> None:
    customer = django_user_model.objects.create_user("ann", "ann@example.com", PASSWORD)
    shop = Shop.from_catalogue(sim)
    order = shop.place([2, 1], user=customer)
    first, _second = shop.codes(order)
    sim.control.ship(order.number, {first: 2}, consignment_ref="RM777", courier="RM48")
    sync_status_once(url=sim.url)

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_login-username", "ann@example.com")
    page.fill("#id_login-password", PASSWORD)
    page.click("button[name=login_submit]")
    page.wait_for_load_state()
    page.goto(f"{live_server.url}/accounts/orders/{order.number}/")

    link = page.locator("#shipments a.tracking-link")
    assert link.inner_text().strip() == "RM777"
    assert link.get_attribute("href") == (
        "https://www.royalmail.com/track-your-item#/tracking-results/RM777"
    )
    assert "Royal Mail Tracked 48" in page.locator("#shipments").inner_text()
    assert "Part dispatched" in page.locator("body").inner_text()
