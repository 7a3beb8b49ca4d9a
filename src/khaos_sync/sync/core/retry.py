"""Retrying failed items, one at a time or in bulk, with each flow's own ``retry``.

A retry from the dashboard runs at once for one item; a bulk retry only queues
the items (state "retrying") and the worker works through the queue, so a
person's click never waits on hundreds of Khaos calls. What happens next is
decided by the exception: an item that cannot go through because its flow is
busy stays queued; one that fails again goes back to "open" with the new error
and traceback, and the queue gives up on it after ``MAX_QUEUED_ATTEMPTS``.
"""

from __future__ import annotations

import enum
import logging
import traceback

from django.utils import timezone

from khaos_sync.sync.core.locks import FlowBusy
from khaos_sync.sync.core.models import FailedItem
from khaos_sync.sync.core.registry import FLOWS

log = logging.getLogger(__name__)

MAX_QUEUED_ATTEMPTS = 10


class RetryOutcome(enum.StrEnum):
    RESOLVED = "resolved"
    FAILED = "failed"
    QUEUED = "queued"  # the flow is busy elsewhere; the worker tries again


class NotRetryable(Exception):
    """The item's flow offers no retry (or is not installed)."""


def retryable(item: FailedItem) -> bool:
    spec = FLOWS.get(item.flow)
    return spec is not None and spec.retry is not None and item.state != FailedItem.State.RESOLVED


def retry_item(item: FailedItem) -> RetryOutcome:
    """Run the flow's retry for ``item`` now and record what came of it."""
    spec = FLOWS.get(item.flow)
    if spec is None or spec.retry is None:
        raise NotRetryable(f"the {item.flow} flow cannot retry items")
    attempts_before = item.attempts
    try:
        spec.retry(item)
    except FlowBusy:
        mark(item, FailedItem.State.RETRYING)
        return RetryOutcome.QUEUED
    except Exception as exc:
        record_retry_failure(item, exc)
        return RetryOutcome.FAILED
    item.refresh_from_db()
    if item.attempts > attempts_before and item.state == FailedItem.State.OPEN:
        # The flow recorded the item as failed again inside its own run.
        return RetryOutcome.FAILED
    mark(item, FailedItem.State.RESOLVED)
    log.info("failed item retried", extra={"flow": item.flow, "key": item.key, "item": item.pk})
    return RetryOutcome.RESOLVED


def record_retry_failure(item: FailedItem, exc: Exception) -> None:
    item.error = f"{type(exc).__name__}: {exc}"
    item.traceback = "".join(traceback.format_exception(exc))
    item.attempts += 1
    item.state = FailedItem.State.OPEN
    item.save()
    log.warning(
        "retry failed",
        exc_info=exc,
        extra={"flow": item.flow, "key": item.key, "item": item.pk, "error": item.error},
    )


def mark(item: FailedItem, state: str) -> None:
    item.state = state
    item.save(update_fields=["state", "updated_at"])


def queue_for_retry(ids: list[int]) -> int:
    """Queue open items for the worker; returns how many were queued."""
    retryable_flows = [name for name, spec in FLOWS.items() if spec.retry is not None]
    return (
        FailedItem.objects.filter(pk__in=ids, flow__in=retryable_flows)
        .exclude(state=FailedItem.State.RESOLVED)
        .update(state=FailedItem.State.RETRYING, updated_at=timezone.now())
    )


def drain_queue(limit: int = 50) -> dict[str, int]:
    """Retry queued items (oldest first); called by the worker."""
    counts = {outcome.value: 0 for outcome in RetryOutcome}
    busy: set[str] = set()
    queued = FailedItem.objects.filter(state=FailedItem.State.RETRYING).order_by("updated_at")
    for item in queued[:limit]:
        if item.flow in busy:
            continue  # its flow runs elsewhere; the rest of that flow waits for next time
        if item.attempts >= MAX_QUEUED_ATTEMPTS:
            give_up(item)
            counts[RetryOutcome.FAILED] += 1
            continue
        try:
            outcome = retry_item(item)
        except NotRetryable as exc:
            record_retry_failure(item, exc)
            outcome = RetryOutcome.FAILED
        counts[outcome] += 1
        if outcome == RetryOutcome.QUEUED:
            busy.add(item.flow)
    return counts


def give_up(item: FailedItem) -> None:
    mark(item, FailedItem.State.OPEN)
    log.error(
        "retry queue gave up on an item",
        extra={"flow": item.flow, "key": item.key, "item": item.pk, "attempts": item.attempts},
    )
