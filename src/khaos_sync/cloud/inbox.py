"""Pushes from Khaos Control Cloud: verify → persist (committed) → apply.

A push is read first; an unreadable one is kept with its reason, listed in
the dashboard's failures for replay, and answered 400 with that reason. A
readable one is stored raw and committed before anything is applied, so a
200 always means the data is safe. The same payload received again (Khaos
resends after a lost 200) is recognised by its digest and changes nothing.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils import timezone

from khaos_sync.cloud import applying
from khaos_sync.cloud.models import CloudPush
from khaos_sync.protocol.cloud.config import Endpoint
from khaos_sync.protocol.cloud.payload import Format
from khaos_sync.protocol.errors import DocumentError
from khaos_sync.sync.core.models import FailedItem
from khaos_sync.sync.core.runs import record_failure, resolve_failures

log = logging.getLogger(__name__)

FLOW = "cloud"
State = CloudPush.State

Reader = Callable[[bytes, Format], Any]
Applier = Callable[[CloudPush, Any], dict[str, Any]]

HANDLERS: dict[Endpoint, tuple[Reader, Applier]] = {
    Endpoint.STOCK_UPLOAD: (applying.read_stock, applying.apply_stock),
    Endpoint.STOCK_STATUS_UPLOAD: (applying.read_levels, applying.apply_levels),
    Endpoint.ORDER_STATUS_UPLOAD: (applying.read_statuses, applying.apply_statuses),
    Endpoint.PRICE_LIST_UPLOAD: (applying.read_price_lists, applying.apply_price_lists),
}


@dataclass(frozen=True)
class Answer:
    status: int
    reason: str
    push: CloudPush | None = None


def receive(endpoint: Endpoint, fmt: Format, body: bytes) -> Answer:
    reader, applier = HANDLERS[endpoint]
    digest = hashlib.sha256(body).hexdigest()
    now = timezone.now()
    push, created = CloudPush.objects.get_or_create(
        endpoint=endpoint.value,
        digest=digest,
        defaults={
            "format": fmt.value,
            "payload": body,
            "received_at": now,
            "last_received_at": now,
        },
    )
    if not created:
        return _again(push, now)
    try:
        document = reader(body, fmt)
    except DocumentError as exc:
        return _reject(push, exc)
    # The push is committed (autocommit) before it is applied: a 200 means it is safe.
    _apply(push, applier, document)
    applied = push.state == State.APPLIED
    return Answer(200, "applied" if applied else "stored; applying failed", push)


def _again(push: CloudPush, now: Any) -> Answer:
    CloudPush.objects.filter(pk=push.pk).update(
        times_received=push.times_received + 1, last_received_at=now
    )
    log.info(
        "push received again",
        extra={"endpoint": push.endpoint, "push": push.pk, "state": push.state},
    )
    if push.state == State.REJECTED:
        return Answer(400, push.reason, push)
    if push.state == State.RECEIVED:
        # An earlier receipt stopped before applying it (a restart): apply it now.
        apply_push(push)
    return Answer(200, "already received", push)


def _reject(push: CloudPush, exc: DocumentError) -> Answer:
    reason = one_line(str(exc))
    push.state, push.reason = State.REJECTED, reason
    push.save(update_fields=["state", "reason"])
    record_failure(FLOW, push.key, _text(push.payload), exc)
    log.warning(
        "push rejected", extra={"endpoint": push.endpoint, "push": push.pk, "reason": reason}
    )
    return Answer(400, reason, push)


def _apply(push: CloudPush, applier: Applier, document: Any) -> None:
    try:
        summary = applier(push, document)
    except Exception as exc:  # any data or database error: keep the push for replay
        push.state, push.reason = State.FAILED, one_line(f"{type(exc).__name__}: {exc}")
        push.save(update_fields=["state", "reason"])
        record_failure(FLOW, push.key, _text(push.payload), exc)
        log.exception(
            "push could not be applied", extra={"endpoint": push.endpoint, "push": push.pk}
        )
        return
    push.state, push.reason, push.summary = State.APPLIED, "", summary
    push.applied_at = timezone.now()
    push.save(update_fields=["state", "reason", "summary", "applied_at"])
    resolve_failures(FLOW, [push.key])
    log.info("push applied", extra={"endpoint": push.endpoint, "push": push.pk, "summary": summary})


def apply_push(push: CloudPush) -> None:
    """Read and apply a stored push again (a replay, or one left unapplied)."""
    reader, applier = HANDLERS[Endpoint(push.endpoint)]
    try:
        document = reader(bytes(push.payload), Format(push.format))
    except DocumentError as exc:
        _reject(push, exc)
        return
    _apply(push, applier, document)


def apply_pending() -> int:
    """Apply pushes stored but never applied (the process stopped in between)."""
    if settings.KHAOS_SYNC["khaos"]["transport"] != "cloud":
        return 0
    pending = list(CloudPush.objects.filter(state=State.RECEIVED).order_by("received_at"))
    for push in pending:
        apply_push(push)
    return len(pending)


def replay_failed_item(item: FailedItem) -> None:
    """The dashboard's retry of a push: apply the stored payload again."""
    _endpoint, _, pk = item.key.rpartition("/")
    push = CloudPush.objects.filter(pk=int(pk)).first() if pk.isdigit() else None
    if push is None:
        raise ValueError(f"no stored push for {item.key}")
    apply_push(push)


def one_line(text: str) -> str:
    return " ".join(text.split())[:500]


def _text(payload: Any) -> str:
    return bytes(payload).decode("utf-8", "replace")
