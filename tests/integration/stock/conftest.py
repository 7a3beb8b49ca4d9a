"""A generated Khaos simulator with its catalogue already synced into the shop."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from khaos_sync.simulator import RunningSimulator, open_store, run_in_thread

CATALOGUE_SIZE = 60
SEED = 7
WEB_SITES = [1, 2]


@pytest.fixture(scope="session")
def stock_template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("stock-sim") / "template.sqlite3"
    open_store(path, generate=CATALOGUE_SIZE, seed=SEED).close()
    return path


@pytest.fixture
def sim(tmp_path: Path, stock_template_db: Path) -> Iterator[RunningSimulator]:
    path = tmp_path / "sim.sqlite3"
    shutil.copyfile(stock_template_db, path)
    with run_in_thread(path) as running:
        yield running


def khaos_settings(settings: Any, url: str, sites: list[int], **stock: Any) -> None:
    config = dict(settings.KHAOS_SYNC)
    config["khaos"] = {**config["khaos"], "url": url, "stock_sites": sites}
    config["stock"] = {**config["stock"], **stock}
    settings.KHAOS_SYNC = config


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
