"""A refresh reads only what Khaos says differently from last time.

Khaos repeats most items' entries word for word from one refresh to the next;
those items are not decoded, mapped or written again (the run's ``repeated``).
Whatever else the reading depends on (the web's sites) makes every item new.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from khaos_sync.simulator import RunningSimulator
from khaos_sync.sync.catalogue.models import BundleComponent
from khaos_sync.sync.core.models import FailedItem
from khaos_sync.sync.core.runs import record_failure
from khaos_sync.sync.stock.flow import sync_stock_once

from .conftest import khaos_settings
from .test_levels import availability, site_levels, tracked_item
from .test_live_and_sites import live_check

pytestmark = pytest.mark.django_db


def pack_headers() -> int:
    # A pack's level is made from its components each time, never from its own entries.
    return BundleComponent.objects.values("bundle_id").distinct().count()


def test_a_refresh_reads_only_the_items_whose_entries_changed(shop: RunningSimulator) -> None:
    code = tracked_item(shop)
    first = sync_stock_once(full=True)
    shop.control.adjust_stock(code, 1, level=11)
    shop.control.adjust_stock(code, 2, level=4)

    run = sync_stock_once(full=True)

    assert site_levels(code) == {"khaos-site-1": 11, "khaos-site-2": 4}
    assert run.summary["codes"] == first.summary["codes"]
    assert run.summary["repeated"] == run.summary["codes"] - 1 - pack_headers()
    assert run.updated >= 1 and run.failed == 0


def test_other_web_sites_read_every_item_again(shop: RunningSimulator, settings: Any) -> None:
    code = tracked_item(shop)
    shop.control.adjust_stock(code, 1, level=2)
    shop.control.adjust_stock(code, 2, level=3)
    sync_stock_once(full=True)
    assert availability(code).num_available == 5

    khaos_settings(settings, shop.url, [1])
    run = sync_stock_once(full=True)

    assert run.summary["repeated"] == 0
    assert availability(code).num_available == 2


def test_an_item_the_live_check_wrote_is_read_once_more_then_repeated(
    shop: RunningSimulator,
) -> None:
    code = tracked_item(shop)
    sync_stock_once(full=True)
    shop.control.adjust_stock(code, 1, level=6)
    live_check([code])  # writes the level, without the entries' digest

    after_check = sync_stock_once(full=True)
    settled = sync_stock_once(full=True)

    assert after_check.updated == 0, "the pull finds what the check wrote"
    assert after_check.summary["repeated"] == after_check.summary["codes"] - 1 - pack_headers()
    assert settled.summary["repeated"] == settled.summary["codes"] - pack_headers()
    assert site_levels(code)["khaos-site-1"] == 6


def test_a_repeated_item_is_no_longer_a_failure(shop: RunningSimulator) -> None:
    code = tracked_item(shop)
    sync_stock_once(full=True)
    record_failure("stock", code, "<STOCK_STATUS/>", ValueError("the answer was cut"))

    run = sync_stock_once(full=True)

    assert run.summary["repeated"] == run.summary["codes"] - pack_headers()
    failure = FailedItem.objects.get(flow="stock", key=code)
    assert failure.state == FailedItem.State.RESOLVED
    assert failure.updated_at <= timezone.now()
