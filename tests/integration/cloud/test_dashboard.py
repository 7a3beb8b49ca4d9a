"""The channel page: Khaos's last call of each endpoint, refused pushes, unconfirmed orders."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.urls import reverse
from django.utils import timezone

from khaos_sync.cloud.models import CloudDelivery
from khaos_sync.dashboard.access import VIEW
from khaos_sync.sync.core.models import FailedItem
from tests.access import logged_in, staff_with

from .conftest import KhaosCloud
from .test_orders import FIRST_CONTACT, place, pull

PAGE = "/dashboard/khaos/cloud/"


def row(html: str, marker: str) -> str:
    """The table row whose opening tag carries MARKER, tags stripped."""
    match = re.search(rf"<tr[^>]*{re.escape(marker)}[^>]*>(.*?)</tr>", html, re.S)
    assert match, f"no row {marker}"
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(1)).split())


def test_each_endpoint_shows_khaos_last_call_and_how_it_went(
    kcc: KhaosCloud, kcc_samples: Path, django_user_model: Any
) -> None:
    kcc.push("/khaos-cloud/stock.json", (kcc_samples / "stock-upload.json").read_bytes())
    malformed = (kcc_samples / "customer-return-download.xml").read_bytes()
    assert kcc.push("/khaos-cloud/stock-statuses.xml", malformed).status_code == 400
    pull(kcc, FIRST_CONTACT)
    assert KhaosCloud("wrong").get("/khaos-cloud/channel-config.json").status_code == 401

    page = logged_in(staff_with(django_user_model, VIEW)).get(PAGE)
    assert page.status_code == 200
    html = page.content.decode()
    stock = row(html, 'data-endpoint="StockUpload"')
    assert "200" in stock and "applied" in stock and "created 1" in stock
    levels = row(html, 'data-endpoint="StockStatusUpload"')
    assert "400" in levels and "not well-formed XML" in levels
    assert "served 0 orders" in row(html, 'data-endpoint="OrderDownload"')
    assert "401" in row(html, 'data-endpoint="channel-config"')
    assert "never called" in row(html, 'data-endpoint="PriceListUpload"')

    # The refused payload is listed with its reason and leads to its failed item for replay.
    failure = FailedItem.objects.get(flow="cloud")
    refused = row(html, 'class="refused-row"')
    assert failure.key in refused and "ReturednItems" in refused
    assert reverse("khaos-dashboard:failure", args=[failure.pk]) in html
    assert "Transport: cloud" in html and "kcc-channel" in html


def test_the_page_needs_the_view_permission(kcc: KhaosCloud, django_user_model: Any) -> None:
    assert logged_in(staff_with(django_user_model)).get(PAGE).status_code == 403


def test_orders_delivered_but_never_confirmed_are_shown_after_the_configured_time(
    kcc: KhaosCloud, products: list[Any], cloud_settings: Any, django_user_model: Any
) -> None:
    cloud_settings["cloud"]["unconfirmed_hours"] = 6
    late, recent = place(products), place(products)
    _refs, token = pull(kcc, FIRST_CONTACT)
    pull(kcc, token)  # Khaos's next pull goes past them: both delivered
    CloudDelivery.objects.filter(order_number=late.number).update(
        delivered_at=timezone.now() - timedelta(hours=7)
    )
    viewer = logged_in(staff_with(django_user_model, VIEW))

    html = viewer.get(PAGE).content.decode()
    assert "not confirmed after 6 h" in html
    unconfirmed = row(html, 'class="unconfirmed-row"')
    assert late.number in unconfirmed
    assert recent.number not in html

    # A status upload names it: confirmed, no longer shown.
    CloudDelivery.objects.filter(order_number=late.number).update(confirmed_at=timezone.now())
    assert late.number not in viewer.get(PAGE).content.decode()
