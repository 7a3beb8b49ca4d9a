"""Entry points of the status flow: the scheduled poll, one order on demand, a retry."""

from __future__ import annotations

from collections.abc import Sequence

from khaos_sync.sync.core.backend import khaos_backend
from khaos_sync.sync.core.models import FailedItem, Flow, SyncRun
from khaos_sync.sync.core.runs import khaos_run, recorded_run
from khaos_sync.sync.status.importer import EMAIL_KEY_SUFFIX, StatusImporter


def sync_status_once(*, url: str | None = None) -> SyncRun:
    """Apply everything Khaos changed since the last poll."""
    with khaos_run(Flow.STATUS, url) as (recorder, backend):
        StatusImporter(backend, recorder).run_since_cursor()
    return recorder.saved_run()


def sync_order_status(numbers: Sequence[str], *, url: str | None = None) -> SyncRun:
    """Ask Khaos about these shop orders now.

    No flow lock: a customer or a person is waiting, and applying one order is
    safe beside a running poll (the order row is locked, shipments are unique).
    """
    with recorded_run(Flow.STATUS) as recorder:
        recorder.summary["requested"] = list(numbers)
        with khaos_backend(url) as client:
            StatusImporter(client, recorder).run_orders(numbers)
    return recorder.saved_run()


def retry_failed_item(failed: FailedItem) -> None:
    """Status is Khaos's current state: a retry asks for the order again."""
    sync_order_status([failed.key.removesuffix(EMAIL_KEY_SUFFIX)])
