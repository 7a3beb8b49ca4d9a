"""Entry points of the stock flow: one locked, recorded run each."""

from __future__ import annotations

from khaos_sync.sync.core.models import FailedItem, Flow, SyncRun
from khaos_sync.sync.core.progress import Progress
from khaos_sync.sync.core.runs import khaos_run
from khaos_sync.sync.stock.importer import CHUNK_KEY, StockImporter


def sync_stock_once(
    *, full: bool = False, url: str | None = None, progress: Progress | None = None
) -> SyncRun:
    """Pull the levels of the items that moved (or of every item with ``full``)."""
    with khaos_run(Flow.STOCK, url) as (recorder, backend):
        StockImporter(backend, recorder).run(full=full, progress=progress)
    return recorder.saved_run()


def retry_failed_item(failed: FailedItem) -> None:
    """Fetch the item's levels again by its code (a failed chunk: its first code onwards)."""
    key = failed.key
    if key.startswith(CHUNK_KEY):
        # A whole chunk failed to parse; a full refresh is the way to replay it.
        sync_stock_once(full=True)
        return
    with khaos_run(Flow.STOCK) as (recorder, backend):
        StockImporter(backend, recorder).run_codes([key])
