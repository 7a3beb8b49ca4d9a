"""A person at the dashboard sees what the sync did and replays what failed."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from khaos_sync.sync.core.models import FailedItem, SyncRun
from khaos_sync.sync.core.registry import FlowSpec
from tests.integration.ops.flows import fail_item, only_flows, register

PAYLOAD = "<STOCK_ITEM><STOCK_CODE>ACM001</STOCK_CODE><STOCK_DESC>Tent &amp; pegs</STOCK_DESC></STOCK_ITEM>"


@pytest.fixture
def catalogue_flow() -> Iterator[FlowSpec]:
    """A catalogue flow whose retry goes through (Khaos has since fixed the item)."""
    with only_flows():
        yield register("catalogue", lambda: None, retry=lambda item: None)


@pytest.fixture
def history(catalogue_flow):  # type: ignore[no-untyped-def]
    now = timezone.now()
    good = SyncRun.objects.create(
        flow="catalogue",
        started_at=now - timedelta(minutes=10),
        finished_at=now - timedelta(minutes=9),
        outcome="succeeded",
        created=180,
        khaos_calls=4,
    )
    bad = SyncRun.objects.create(
        flow="catalogue",
        started_at=now - timedelta(minutes=5),
        finished_at=now - timedelta(minutes=4),
        outcome="partial",
        updated=12,
        failed=1,
    )
    item = fail_item("catalogue", "ACM001", PAYLOAD)
    item.run = bad
    item.save()
    return good, bad, item


def test_runs_failed_item_and_retry(logged_in_page: Page, live_server, history):
    _good, bad, item = history
    page = logged_in_page
    page.goto(f"{live_server.url}/dashboard/")
    page.locator("#bottom_nav_bar").get_by_role("button", name="Khaos").click()
    page.get_by_role("link", name="Sync runs").click()
    rows = page.locator("#runs tr.run-row")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("Succeeded with failed items")
    expect(page.locator("#runs")).to_contain_text("180")

    page.get_by_role("link", name=f"#{bad.pk}").click()
    page.get_by_role("link", name="ACM001").click()
    expect(page.locator("#payload")).to_contain_text("<STOCK_DESC>Tent &amp; pegs</STOCK_DESC>")
    expect(page.locator("#traceback")).to_contain_text("TransientError: Khaos timed out")
    expect(page.locator("#state")).to_have_text("Open")

    page.get_by_role("button", name="Retry now").click()
    expect(page.locator(".alert-success")).to_contain_text("ACM001 went through")
    expect(page.locator("#state")).to_have_text("Resolved")
    assert FailedItem.objects.get(pk=item.pk).state == "resolved"


def test_bulk_retry_queues_the_ticked_items(logged_in_page: Page, live_server, catalogue_flow):
    for code in ("ACM002", "ACM003", "ACM004"):
        fail_item("catalogue", code)
    page = logged_in_page
    page.goto(f"{live_server.url}/dashboard/khaos/failures/")
    expect(page.locator("#failures tr.failure-row")).to_have_count(3)
    page.get_by_label("select ACM002").check()
    page.get_by_label("select ACM004").check()
    page.get_by_role("button", name="Retry selected").click()
    expect(page.locator(".alert-success")).to_contain_text("2 item(s) queued for retry")
    queued = FailedItem.objects.filter(state="retrying").values_list("key", flat=True)
    assert sorted(queued) == ["ACM002", "ACM004"]


def test_the_go_live_switch_from_the_overview(logged_in_page: Page, live_server, catalogue_flow):
    from khaos_sync.sync.core.golive import writes_allowed

    page = logged_in_page
    page.goto(f"{live_server.url}/dashboard/khaos/")
    expect(page.locator("#mode")).to_have_text("Live")
    page.get_by_role("button", name="Switch to dry run").click()
    expect(page.locator("#mode")).to_have_text("Dry run")
    assert not writes_allowed()
    expect(page.locator("#flows")).to_contain_text("Catalogue")
