"""The picker of products synced from a Khaos catalogue: headings as Khaos orders them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from oscar.core.loading import get_class

from khaos_sync.shop.oscar_apps.catalogue.variants import VariantPicker
from khaos_sync.simulator import RunningSimulator, run_in_thread
from khaos_sync.sync.catalogue.flow import sync_catalogue_once
from khaos_sync.sync.catalogue.models import ProductBinding

Selector = get_class("partner.strategy", "Selector")
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def sim(tmp_path: Path) -> Iterator[RunningSimulator]:
    with run_in_thread(tmp_path / "khaos.sqlite3", generate=80, seed=11) as running:
        yield running


def test_every_scs_parent_offers_its_headings_in_khaos_order(sim, settings):
    # A UDA stored as an attribute is not a heading, even on the variants.
    catalogue = {**settings.KHAOS_SYNC["catalogue"], "uda_modes": {"Colour Family": "attribute"}}
    settings.KHAOS_SYNC = {**settings.KHAOS_SYNC, "catalogue": catalogue}
    sync_catalogue_once(url=sim.url)
    parents = sim.store.items_where("kind = ? ORDER BY stock_id", ("scs_parent",))
    assert len(parents) >= 3
    orders_seen = set()

    for item in parents:
        binding = ProductBinding.objects.select_related("product").get(stock_id=str(item.stock_id))
        picker = VariantPicker(binding.product, Selector().strategy())
        assert [h.name for h in picker.headings] == item.scs_headings, item.stock_code
        orders_seen.add(tuple(item.scs_headings))
        for variant in picker.variants:
            assert set(variant.options) == {h.code for h in picker.headings}

    # The catalogue has heading orders that alphabetical order would get wrong.
    assert any(list(order) != sorted(order) for order in orders_seen)
