"""Entry points of the order export: one pass, a polling loop, and retries by a person."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import close_old_connections
from django.utils import timezone

from khaos_sync.backends.base import KhaosBackend
from khaos_sync.sync.core.backend import khaos_backend
from khaos_sync.sync.core.models import FailedItem, Flow, SyncRun
from khaos_sync.sync.core.progress import Progress
from khaos_sync.sync.core.runs import recorded_run
from khaos_sync.sync.orders import wake
from khaos_sync.sync.orders.claim import LeaseKeeper, claim_due, due_filter, new_holder
from khaos_sync.sync.orders.exporter import OrderExporter
from khaos_sync.sync.orders.models import OrderExport

log = logging.getLogger(__name__)
State = OrderExport.State


def orders_config() -> dict[str, Any]:
    return dict(settings.KHAOS_SYNC["orders"])


def export_orders_once(
    *,
    url: str | None = None,
    client: KhaosBackend | None = None,
    max_batches: int | None = None,
    stop: threading.Event | None = None,
    progress: Progress | None = None,
) -> SyncRun | None:
    """Send every order that is due now, batch by batch; None when there was nothing to do."""
    config = orders_config()
    holder = new_holder()
    lease = timedelta(seconds=config["lease_seconds"])
    rows = claim_due(config["batch_size"], holder, lease)
    if not rows:
        return None
    owned = client is None
    khaos = client or khaos_backend(url)
    try:
        with recorded_run(Flow.ORDERS) as recorder:
            exporter = OrderExporter(
                khaos, recorder, khaos=settings.KHAOS_SYNC["khaos"], orders=config, holder=holder
            )
            batches = 0
            while rows:
                with LeaseKeeper(holder, rows, lease):
                    exporter.export(rows)
                batches += 1
                if progress is not None:
                    progress(len(rows))
                if max_batches is not None and batches >= max_batches:
                    break
                if stop is not None and stop.is_set():
                    break
                rows = claim_due(config["batch_size"], holder, lease)
    finally:
        if owned:
            khaos.close()
    return SyncRun.objects.get(pk=recorder.run.pk)


def run_export_loop(
    *,
    url: str | None = None,
    stop: threading.Event | None = None,
    on_run: Callable[[SyncRun], None] | None = None,
) -> None:
    """Poll the outbox until ``stop`` is set; the batch in flight always finishes.

    On PostgreSQL a listener wakes the loop as soon as another process commits
    an order; the poll remains for anything a notification missed.
    """
    stop = stop or threading.Event()
    poll = orders_config()["poll_seconds"]
    listener = wake.OrderListener(wake.wake_exporters)
    listener.start()
    try:
        export_until_stopped(url, stop, poll, on_run)
    finally:
        listener.stop()


def export_until_stopped(
    url: str | None, stop: threading.Event, poll: float, on_run: Callable[[SyncRun], None] | None
) -> None:
    with khaos_backend(url) as client:
        while not stop.is_set():
            try:
                run = export_orders_once(client=client, stop=stop)
            except Exception:
                # One bad pass (database restart, say) must not end the exporter.
                log.exception("order export pass failed")
                run = None
            finally:
                close_old_connections()
            if run is not None and on_run is not None:
                on_run(run)
            if run is None:
                wake.wait_for_work(poll)


# retries by a person ------------------------------------------------------------------


def due_count() -> int:
    return OrderExport.objects.filter(due_filter()).count()


UNSENT = (State.QUEUED, State.SENDING, State.HELD, State.FAILED)


def outbox_states() -> dict[str, int]:
    """Orders not yet in Khaos by where they stand: due, waiting (back-off), held, in flight."""
    now = timezone.now()
    rows = OrderExport.objects.filter(state__in=UNSENT)
    return {
        "due": rows.filter(due_filter()).count(),
        "waiting": rows.filter(state=State.QUEUED, next_attempt_at__gt=now).count(),
        "held": rows.filter(state__in=[State.HELD, State.FAILED]).count(),
        "in_flight": rows.filter(state=State.SENDING, lease_until__gte=now).count(),
    }


def oldest_unsent_age() -> float:
    """Seconds since the oldest order not yet in Khaos was queued; 0 when there is none."""
    oldest = (
        OrderExport.objects.filter(state__in=UNSENT)
        .order_by("created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    return 0.0 if oldest is None else max((timezone.now() - oldest).total_seconds(), 0.0)


def requeue(exports: Iterable[OrderExport]) -> int:
    """Send held or failed orders again now, with a fresh allowance of attempts."""
    ids = [export.pk for export in exports if export.retryable]
    if not ids:
        return 0
    count = OrderExport.objects.filter(pk__in=ids, state__in=[State.HELD, State.FAILED]).update(
        state=State.QUEUED, next_attempt_at=timezone.now(), attempts=0, updated_at=timezone.now()
    )
    FailedItem.objects.filter(
        flow=Flow.ORDERS,
        key__in=OrderExport.objects.filter(pk__in=ids).values("order_number"),
        state=FailedItem.State.OPEN,
    ).update(state=FailedItem.State.RETRYING)
    wake.orders_ready()
    log.info("orders queued again for Khaos", extra={"count": count})
    return count


def requeue_all_held() -> int:
    return requeue(OrderExport.objects.filter(state__in=[State.HELD, State.FAILED]))


def retry_failed_item(failed: FailedItem) -> None:
    """The dashboard's retry of an order alert: queue the order again."""
    requeue(OrderExport.objects.filter(order_number=failed.key))
