"""A generated Khaos simulator with its catalogue already synced into the shop."""

from __future__ import annotations

from typing import Any

import pytest

from khaos_sync.simulator import RunningSimulator
from tests.khaos_fixtures import set_khaos_config

CATALOGUE_SIZE = 60
SEED = 7
WEB_SITES = [1, 2]


@pytest.fixture
def sim(start_simulator: Any) -> RunningSimulator:
    return start_simulator(CATALOGUE_SIZE, seed=SEED)


def khaos_settings(settings: Any, url: str, sites: list[int], **stock: Any) -> None:
    set_khaos_config(settings, khaos={"url": url, "stock_sites": sites}, stock=stock)


def publish_everything() -> None:
    """A person made every synced product web friendly and published it."""
    from oscar.core.loading import get_model

    Product = get_model("catalogue", "Product")
    Product.objects.update(published=True)
    Product.objects.filter(khaos_deleted=False).update(is_public=True)


def sync_catalogue_and_publish() -> None:
    from khaos_sync.sync.catalogue.flow import sync_catalogue_once

    assert sync_catalogue_once().outcome == "succeeded"
    publish_everything()


@pytest.fixture
def shop(sim: RunningSimulator, settings: Any, db: None) -> RunningSimulator:
    """The simulator's catalogue in the shop, levels pulled once (Warehouse + Shop sites)."""
    from khaos_sync.sync.catalogue.flow import sync_catalogue_once
    from khaos_sync.sync.stock.flow import sync_stock_once

    khaos_settings(settings, sim.url, WEB_SITES)
    assert sync_catalogue_once(full=True).outcome == "succeeded"
    publish_everything()
    assert sync_stock_once().outcome == "succeeded"
    return sim
