"""A person makes a Khaos product web friendly; Khaos's later change waits for them."""

from __future__ import annotations

import pytest
from django.urls import reverse
from oscar.core.loading import get_model

from khaos_sync.simulator.runner import run_in_thread
from khaos_sync.sync.catalogue.flow import sync_catalogue_once

Product = get_model("catalogue", "Product")


@pytest.fixture
def simulator(tmp_path):
    with run_in_thread(tmp_path / "khaos.sqlite3", generate=30, seed=5) as sim:
        yield sim


def a_standalone_product():
    return (
        Product.objects.filter(khaos__isnull=False, structure="standalone", khaos_deleted=False)
        .order_by("upc")
        .first()
    )


def test_edit_survives_sync_and_the_upstream_change_can_be_accepted(
    logged_in_page, live_server, simulator
):
    page = logged_in_page
    sync_catalogue_once(full=True, url=simulator.url)
    product = a_standalone_product()

    page.goto(live_server.url + reverse("khaos-catalogue:review"))
    assert product.upc in page.locator("#awaiting-review").inner_text()

    edit_url = live_server.url + reverse("dashboard:catalogue-product", kwargs={"pk": product.pk})
    page.goto(edit_url)
    page.fill("#id_title", "Web friendly name")
    with page.expect_navigation():
        page.click("button[name=action][value=continue]")
    product.refresh_from_db()
    assert product.title == "Web friendly name"

    simulator.control.edit_item(product.upc, description="Renamed in Khaos")
    sync_catalogue_once(url=simulator.url)
    product.refresh_from_db()
    assert product.title == "Web friendly name"

    page.goto(edit_url)
    panel = page.locator("#khaos-pending-changes")
    assert "Renamed in Khaos" in panel.inner_text()
    with page.expect_navigation():
        panel.locator("tr[data-field=title] button", has_text="Accept").click()

    product.refresh_from_db()
    assert product.title == "Renamed in Khaos"
    assert page.locator("#khaos-pending-changes").count() == 0
