"""When each flow is due, decided in the database so that workers agree.

A worker runs a flow only after claiming its due slot with a conditional
update (``next_due_at`` unchanged since it was read), so of several workers
looking at the same slot exactly one wins, and a flow that just ran somewhere
is not run again straight after by another worker.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from khaos_sync.backends import runs_on
from khaos_sync.sync.core.models import FlowSchedule, SyncRun
from khaos_sync.sync.core.registry import FlowSpec, ordered_flows

# A run that failed for a reason that may pass (Khaos down) is tried again sooner.
RETRY_SOON = timedelta(minutes=1)


@dataclass(frozen=True)
class Scheduled:
    spec: FlowSpec
    interval: timedelta


def scheduled_flows(names: list[str] | None = None) -> list[Scheduled]:
    """Registered flows that run on an interval, in their run order (FlowSpec.order).

    Without ``names``, the flows of the configured transport: on the cloud
    transport Khaos calls the shop, so the flows that call Khaos do not run.
    """
    transport = settings.KHAOS_SYNC["khaos"]["transport"]
    chosen = [
        spec
        for spec in ordered_flows()
        if (spec.name in names if names else runs_on(transport, spec.name))
    ]
    return [Scheduled(spec, interval) for spec in chosen if (interval := spec.interval) is not None]


def first_due(flow: str, interval: timedelta, now: datetime) -> datetime:
    """A flow that ran recently (by hand, or before the schedule existed) waits its turn."""
    last = SyncRun.objects.filter(flow=flow).order_by("-started_at").first()
    return now if last is None else max(now, last.started_at + interval)


def schedule_row(flow: str, interval: timedelta, now: datetime) -> FlowSchedule:
    row = FlowSchedule.objects.filter(flow=flow).first()
    if row is not None:
        return row
    try:
        with transaction.atomic():
            return FlowSchedule.objects.create(
                flow=flow, next_due_at=first_due(flow, interval, now)
            )
    except IntegrityError:  # another worker created it first
        return FlowSchedule.objects.get(flow=flow)


def effective_due(row: FlowSchedule, interval: timedelta) -> datetime:
    # A shortened interval takes effect now rather than after the old, longer one.
    if row.claimed_at is not None:
        return min(row.next_due_at, row.claimed_at + interval)
    return row.next_due_at


def claim(flow: str, interval: timedelta, holder: str, now: datetime | None = None) -> bool:
    """Take the flow's due slot; True for exactly one worker per slot."""
    now = now or timezone.now()
    row = schedule_row(flow, interval, now)
    if effective_due(row, interval) > now:
        return False
    return bool(
        FlowSchedule.objects.filter(pk=row.pk, next_due_at=row.next_due_at).update(
            next_due_at=now + interval, claimed_by=holder, claimed_at=now
        )
    )


def due_soon_again(flow: str, delay: timedelta) -> None:
    """Bring the next slot forward (after a transient failure, or an abandoned run)."""
    soon = timezone.now() + delay
    FlowSchedule.objects.filter(flow=flow, next_due_at__gt=soon).update(next_due_at=soon)


def next_due(flow: str) -> datetime | None:
    row = FlowSchedule.objects.filter(flow=flow).first()
    return None if row is None else row.next_due_at
