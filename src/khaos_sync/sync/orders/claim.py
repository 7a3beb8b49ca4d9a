"""Claiming outbox rows so that no two senders, anywhere, hold the same order.

PostgreSQL: ``SELECT … FOR UPDATE SKIP LOCKED`` — concurrent senders take
disjoint rows without waiting for each other. SQLite: the shop opens
transactions as ``IMMEDIATE``, so a claim holds the single write lock and
claims simply take turns. Either way a claimed row is ``sending`` with a
lease; a sender that dies leaves a lease that expires, and the row is then
claimed again with ``needs_reconcile`` set, so Khaos is asked before it is resent.

A sender renews its lease while a send is in flight (``LeaseKeeper``), so a
slow batch is never taken over. A sender on this host that is known to be dead
(its process is gone) does not make its orders wait for the lease to expire.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from collections.abc import Sequence
from datetime import timedelta
from types import TracebackType

from django.db import close_old_connections, connection, transaction
from django.db.models import Q
from django.utils import timezone

from khaos_sync.sync.orders.models import OrderExport

State = OrderExport.State
log = logging.getLogger(__name__)


def new_holder() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def due_filter() -> Q:
    now = timezone.now()
    return (
        Q(state=State.QUEUED, next_attempt_at__lte=now)
        | Q(state=State.SENDING, lease_until__lt=now)
        | Q(state=State.SENDING, lease_holder__in=dead_local_holders())
    )


def dead_local_holders() -> list[str]:
    """Holders on this host whose process is gone: their orders need not wait out the lease."""
    prefix = f"{socket.gethostname()}:"
    holders = (
        OrderExport.objects.filter(state=State.SENDING, lease_holder__startswith=prefix)
        .values_list("lease_holder", flat=True)
        .distinct()
    )
    return [holder for holder in holders if not _alive(holder)]


def _alive(holder: str) -> bool:
    try:
        pid = int(holder.split(":")[1])
    except (IndexError, ValueError):
        return True
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class LeaseKeeper:
    """Renews the lease of rows being sent, every third of the lease, until closed."""

    def __init__(self, holder: str, rows: Sequence[OrderExport], lease: timedelta) -> None:
        self.holder = holder
        self.ids = [row.pk for row in rows]
        self.lease = lease
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, name="order-lease", daemon=True)

    def __enter__(self) -> LeaseKeeper:
        self.thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stopped.set()
        self.thread.join()

    def _run(self) -> None:
        try:
            while not self.stopped.wait(self.lease.total_seconds() / 3):
                self.renew()
        finally:
            close_old_connections()
            connection.close()

    def renew(self) -> int:
        try:
            return OrderExport.objects.filter(
                pk__in=self.ids, state=State.SENDING, lease_holder=self.holder
            ).update(lease_until=timezone.now() + self.lease)
        except Exception:
            # A missed renewal costs at worst a takeover, which reconciles first.
            log.exception("order lease renewal failed")
            return 0


def claim_due(limit: int, holder: str, lease: timedelta) -> list[OrderExport]:
    """Take up to ``limit`` due rows for ``holder``; they are ``sending`` until released."""
    with transaction.atomic():
        queryset = OrderExport.objects.filter(due_filter()).order_by("next_attempt_at", "pk")
        if connection.features.has_select_for_update_skip_locked:
            queryset = queryset.select_for_update(skip_locked=True, of=("self",))
        rows = list(queryset[:limit])
        if not rows:
            return []
        now = timezone.now()
        abandoned = [row.pk for row in rows if row.state == State.SENDING]
        if abandoned:
            # The previous sender died mid-send: what it sent may be in Khaos.
            OrderExport.objects.filter(pk__in=abandoned).update(needs_reconcile=True)
        OrderExport.objects.filter(pk__in=[row.pk for row in rows]).update(
            state=State.SENDING, lease_holder=holder, lease_until=now + lease, updated_at=now
        )
    for row in rows:
        row.needs_reconcile = row.needs_reconcile or row.pk in abandoned
        row.state, row.lease_holder, row.lease_until = State.SENDING, holder, now + lease
    return rows


def has_due() -> bool:
    return OrderExport.objects.filter(due_filter()).exists()
