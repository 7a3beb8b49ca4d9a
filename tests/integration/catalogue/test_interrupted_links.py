"""An interrupted catalogue run loses no recommendation: the next run gives every link."""

from __future__ import annotations

import pytest
from oscar.core.loading import get_model

from khaos_sync.simulator.runner import run_in_thread
from khaos_sync.sync.catalogue.flow import sync_catalogue_once
from khaos_sync.sync.catalogue.models import ProductBinding
from khaos_sync.sync.core.models import SyncRun

ProductRecommendation = get_model("catalogue", "ProductRecommendation")
pytestmark = pytest.mark.django_db(transaction=True)
KINDS = {1, 2, 4}  # up-sell, cross-sell, associated


@pytest.fixture
def simulator(tmp_path):
    with run_in_thread(tmp_path / "khaos.sqlite3", generate=150, seed=4) as sim:
        yield sim


class Interrupted(Exception):
    """Stands for the process dying after some batches were committed."""


def khaos_links(store) -> set[tuple[str, str]]:
    """(item code, linked item code) for every recommendation link Khaos holds."""
    items = store.items_where("1 = 1")
    codes = {item.stock_id: item.code for item in items}
    return {
        (item.code, codes[link.target_id])
        for item in items
        for link in item.links
        if link.link_type in KINDS and link.target_id in codes and link.target_id != item.stock_id
    }


def shop_links() -> set[tuple[str, str]]:
    rows = ProductRecommendation.objects.values_list("primary__upc", "recommendation__upc")
    return set(rows)


def interrupt_after(calls: int):
    seen = [0]

    def progress(_n: int) -> None:
        seen[0] += 1
        if seen[0] == calls:
            raise Interrupted

    return progress


@pytest.mark.parametrize("second_run_full", [False, True])
def test_the_run_after_an_interruption_gives_every_link(simulator, settings, second_run_full):
    settings.KHAOS_SYNC = {
        **settings.KHAOS_SYNC,
        "catalogue": {**settings.KHAOS_SYNC["catalogue"], "export_chunk": 5, "batch_size": 5},
    }
    expected = khaos_links(simulator.store)
    assert len(expected) > 5

    with pytest.raises(Interrupted):
        sync_catalogue_once(full=True, url=simulator.url, progress=interrupt_after(6))
    assert SyncRun.objects.get().outcome == "failed"
    bound = set(ProductBinding.objects.values_list("stock_code", flat=True))
    assert {primary for primary, _ in expected} & bound  # linking items written, then cut off
    assert shop_links() < expected

    run = sync_catalogue_once(full=second_run_full, url=simulator.url)
    assert run.outcome == "succeeded"
    assert shop_links() == expected
