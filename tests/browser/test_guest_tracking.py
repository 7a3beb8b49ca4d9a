"""A guest follows the link in their dispatch e-mail to the tracking number."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core import mail

from khaos_sync.shop.site import sync_site
from khaos_sync.simulator import RunningSimulator, run_in_thread
from khaos_sync.sync.status.flow import sync_status_once
from tests.integration.status.support import Shop


@pytest.fixture
def sim(tmp_path: Path) -> Iterator[RunningSimulator]:
    with run_in_thread(tmp_path / "sim.sqlite3", generate=30, seed=5) as running:
        running.control.configure(check_order_amount=False)
        yield running


def test_a_guest_follows_the_email_link_to_the_tracking_number(
    page, live_server, transactional_db, settings, sim: RunningSimulator
) -> None:
    settings.KHAOS_SITE_URL = live_server.url
    sync_site()
    shop = Shop.from_catalogue(sim)
    order = shop.place([1, 1])  # no account: a guest order
    first, _second = shop.codes(order)
    sim.control.ship(order.number, {first: 1}, consignment_ref="RM888", courier="RM48")
    sync_status_once(url=sim.url)

    [email] = [m for m in mail.outbox if m.to == ["guest@example.com"]]
    link = re.search(r"http://\S+/order-status/\S+/", email.body)
    assert link is not None, email.body
    assert link.group(0).startswith(live_server.url)
    page.goto(link.group(0))
    # Oscar asks for the order's e-mail address before it shows a guest order.
    page.fill("input[name=email]", "guest@example.com")
    page.click("#content_inner form button[type=submit]")
    page.wait_for_load_state()

    tracking = page.locator("#shipments a.tracking-link")
    assert tracking.inner_text().strip() == "RM888"
    assert "Royal Mail Tracked 48" in page.locator("#shipments").inner_text()
    assert page.title().startswith(f"Order #{order.number} | ")
