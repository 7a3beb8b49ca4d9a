"""The checkout's live check writes levels as the pull does; sites come from their table."""

from __future__ import annotations

from typing import Any

import pytest

from khaos_sync.simulator import RunningSimulator
from khaos_sync.store.sites import web_sites
from khaos_sync.sync.core.backend import khaos_backend
from khaos_sync.sync.core.models import SyncRun
from khaos_sync.sync.stock.flow import sync_stock_once
from khaos_sync.sync.stock.live import apply_live_levels
from khaos_sync.sync.stock.models import KhaosSite

from .test_levels import availability, site_levels, stocked_pack, tracked_item

pytestmark = pytest.mark.django_db


def live_check(codes: list[str]) -> None:
    """Khaos's live answer, written as the checkout writes it.

    Asked in this thread rather than through the checkout's deadline thread: the
    call's metrics row would wait on this test's open transaction on PostgreSQL.
    """
    with khaos_backend(timeout=10.0) as backend:
        entries = backend.live_levels(codes)
    apply_live_levels(entries)


def test_a_pull_keeps_khaos_sites_in_their_table(shop: RunningSimulator) -> None:
    rows = list(KhaosSite.objects.values_list("site_id", "name", "is_current"))

    assert rows == [(1, "Warehouse", True), (2, "Shop", False), (3, "Returns", False)]


def test_the_web_sites_do_not_depend_on_the_run_log(shop: RunningSimulator, settings: Any) -> None:
    SyncRun.objects.all().delete()  # the run log is pruned; the sites are not

    sites = web_sites()

    assert [site.name for site in sites.sites] == ["Warehouse", "Shop", "Returns"]
    assert (sites.chosen, sites.default) == ([1, 2], 1)


def test_a_changed_site_choice_counts_without_a_new_pull(
    shop: RunningSimulator, settings: Any
) -> None:
    khaos = settings.KHAOS_SYNC["khaos"]
    settings.KHAOS_SYNC = {**settings.KHAOS_SYNC, "khaos": {**khaos, "stock_sites": [2]}}

    assert web_sites().chosen == [2]

    settings.KHAOS_SYNC = {**settings.KHAOS_SYNC, "khaos": {**khaos, "stock_sites": []}}
    assert web_sites().chosen == [1], "Khaos's current site, as its list said"


def test_a_live_level_is_written_as_the_pull_would_write_it(shop: RunningSimulator) -> None:
    code = tracked_item(shop)
    shop.control.adjust_stock(code, 1, level=9)
    shop.control.adjust_stock(code, 2, level=4)
    shop.control.adjust_stock(code, 3, level=50)  # Returns does not feed the web

    live_check([code])

    assert site_levels(code) == {"khaos-site-1": 9, "khaos-site-2": 4}
    assert availability(code).num_available == 13
    run = sync_stock_once()  # the item moved in Khaos, so the pull fetches it again
    assert run.summary["codes"] == 1
    assert run.updated == 0, "the pull finds what the check wrote, and writes nothing"


def test_a_live_check_of_components_rebuilds_their_pack(shop: RunningSimulator) -> None:
    pack, components = stocked_pack(shop, 6)

    live_check([code for code, _per_pack in components])

    assert availability(pack.code).num_available == 6


def test_a_current_site_khaos_does_not_list_is_still_the_default(settings: Any) -> None:
    from django.utils import timezone

    from khaos_sync.protocol.results import Site as ListedSite
    from khaos_sync.protocol.results import SiteList
    from khaos_sync.store.sites import remember_sites

    khaos = settings.KHAOS_SYNC["khaos"]
    settings.KHAOS_SYNC = {**settings.KHAOS_SYNC, "khaos": {**khaos, "stock_sites": []}}
    remember_sites(SiteList(sites=(ListedSite(1, "Warehouse"),), current_site_id=4), timezone.now())

    sites = web_sites()

    assert [site.site_id for site in sites.sites] == [1], "an all-sites export lists only site 1"
    assert (sites.chosen, sites.default) == ([4], 4)
