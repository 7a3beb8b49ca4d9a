"""The streamed GetStockList answer gives the sync the same changed items as a whole one."""

from __future__ import annotations

from datetime import timedelta

import pytest

from khaos_sync.backends.base import Change
from khaos_sync.backends.soap import DATE_TYPES, EVERYTHING_SINCE, SoapBackend
from khaos_sync.protocol.client import KhaosClient
from khaos_sync.protocol.results import StockList
from khaos_sync.sync.catalogue.flow import sync_catalogue_once
from khaos_sync.sync.catalogue.models import ProductBinding

ITEMS = 3000


def whole_list(client: KhaosClient, change: Change, since) -> StockList:
    """The list decoded the way it was before streaming: one tree of the whole answer."""
    return StockList.from_wire(
        client.call("GetStockList", DateType=DATE_TYPES[change], DateValue=since)
    )


@pytest.mark.parametrize("arrays", ["inline", "multiref"])
def test_changed_items_of_a_large_catalogue_are_those_of_the_whole_answer(start_simulator, arrays):
    simulator = start_simulator(ITEMS, seed=11, name=f"large-{arrays}.sqlite3", arrays=arrays)
    with SoapBackend(KhaosClient(simulator.url, timeout=120)) as backend:
        for change in Change:
            changed = list(backend.changed_items(None, change))
            assert len(changed) >= ITEMS
            assert changed == list(whole_list(backend.client, change, EVERYTHING_SINCE).entries)

        everything = list(backend.changed_items(None, Change.REVISED))
        now = simulator.store.advance_clock(3600)
        edited = everything[len(everything) // 2].stock_code
        simulator.control.edit_item(edited, description="Edited after the first listing")
        since = now - timedelta(minutes=1)
        assert [entry.stock_code for entry in backend.changed_items(since, Change.REVISED)] == [
            edited
        ]


@pytest.mark.django_db(transaction=True)
def test_a_catalogue_sync_against_multireference_answers_binds_every_listed_item(
    start_simulator,
):
    simulator = start_simulator(60, seed=3, name="multiref.sqlite3", arrays="multiref")
    run = sync_catalogue_once(full=True, url=simulator.url)
    assert run.outcome == "succeeded", run.error
    with KhaosClient(simulator.url) as client:
        listed = {entry.stock_code for entry in client.get_stock_list().entries}
    assert set(ProductBinding.objects.values_list("stock_code", flat=True)) == listed
