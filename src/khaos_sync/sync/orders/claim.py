"""Claiming outbox rows so that no two senders, anywhere, hold the same order.

PostgreSQL: ``SELECT … FOR UPDATE SKIP LOCKED`` — concurrent senders take
disjoint rows without waiting for each other. SQLite: the shop opens
transactions as ``IMMEDIATE``, so a claim holds the single write lock and
claims simply take turns. Either way a claimed row is ``sending`` with a
lease; a sender that dies leaves a lease that expires, and the row is then
claimed again with ``needs_reconcile`` set, so Khaos is asked before it is resent.
"""

from __future__ import annotations

import os
import socket
import uuid
from datetime import timedelta

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from khaos_sync.sync.orders.models import OrderExport

State = OrderExport.State


def new_holder() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def due_filter() -> Q:
    now = timezone.now()
    return Q(state=State.QUEUED, next_attempt_at__lte=now) | Q(
        state=State.SENDING, lease_until__lt=now
    )


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
