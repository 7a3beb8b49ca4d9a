"""Entry points of the catalogue flow: one locked, recorded run each."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

from khaos_sync.protocol.documents.stock import StockItem, iter_stock_items
from khaos_sync.sync.catalogue.importer import DOCUMENT_KEY, CatalogueImporter
from khaos_sync.sync.core.models import FailedItem, Flow, SyncRun
from khaos_sync.sync.core.progress import Progress
from khaos_sync.sync.core.runs import khaos_run, locked_run


def sync_catalogue_once(
    *, full: bool = False, url: str | None = None, progress: Progress | None = None
) -> SyncRun:
    with khaos_run(Flow.CATALOGUE, url) as (recorder, backend):
        CatalogueImporter(backend, recorder).run_from_khaos(full=full, progress=progress)
    return recorder.saved_run()


def retry_failed_item(failed: FailedItem) -> None:
    """Fetch the item again by its code; a failed chunk is replayed from its document."""
    if failed.key.startswith(DOCUMENT_KEY):
        with locked_run(Flow.CATALOGUE) as recorder:
            items = iter_stock_items(failed.payload.encode("utf-8"))
            CatalogueImporter(None, recorder).run_from_items(items)
        return
    with khaos_run(Flow.CATALOGUE) as (recorder, backend):
        CatalogueImporter(backend, recorder).run_codes([failed.key])


def import_stock_files(paths: Sequence[Path], progress: Progress | None = None) -> SyncRun:
    with locked_run(Flow.CATALOGUE) as recorder:
        recorder.summary["files"] = [str(p) for p in paths]
        CatalogueImporter(None, recorder).run_from_items(last_file_wins(paths), progress)
    return recorder.saved_run()


def last_file_wins(paths: Sequence[Path]) -> Iterator[StockItem]:
    """Items of all files, each STOCK_ID taken from the last file that holds it.

    Two streaming passes (ids first, then items) keep memory flat however large
    the export files are.
    """
    last_file: dict[str, int] = {}
    for index, path in enumerate(paths):
        for item in iter_stock_items(str(path)):
            last_file[item.stock_id or item.stock_code or ""] = index
    for index, path in enumerate(paths):
        for item in iter_stock_items(str(path)):
            if last_file[item.stock_id or item.stock_code or ""] == index:
                yield item
