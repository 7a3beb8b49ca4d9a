"""Entry points of the price list flow: the scheduled fetch and a retry."""

from __future__ import annotations

from collections.abc import Sequence

from khaos_sync.sync.core.models import FailedItem, SyncRun
from khaos_sync.sync.core.runs import khaos_run
from khaos_sync.sync.prices.importer import FLOW, PriceListImporter, list_name_of_key


def sync_prices_once(*, url: str | None = None, names: Sequence[str] | None = None) -> SyncRun:
    """Fetch every price list (or the named ones) from Khaos and store them."""
    with khaos_run(FLOW, url) as (recorder, backend):
        PriceListImporter(backend, recorder).run(names)
    return recorder.saved_run()


def retry_failed_item(failed: FailedItem) -> None:
    """A list is Khaos's current state: a retry fetches the list again."""
    sync_prices_once(names=[list_name_of_key(failed.key)])
