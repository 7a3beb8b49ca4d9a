"""What the overview page shows about each flow, read from the shared tables."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count
from django.utils import timezone

from khaos_sync.sync.core.models import FailedItem, FlowLock, FlowSchedule, SyncRun
from khaos_sync.sync.core.registry import ordered_flows


@dataclass
class FlowStatus:
    name: str
    label: str
    interval: timedelta | None
    running_on: str  # holder of the lease, empty when idle
    last_run: SyncRun | None
    last_success: SyncRun | None
    next_due: datetime | None
    open_failures: int


def flow_statuses() -> list[FlowStatus]:
    now = timezone.now()
    leases = {
        lock.name: lock.holder
        for lock in FlowLock.objects.filter(expires_at__gt=now).exclude(holder="")
    }
    due = {row.flow: row.next_due_at for row in FlowSchedule.objects.all()}
    failures = dict(
        FailedItem.objects.exclude(state=FailedItem.State.RESOLVED)
        .values_list("flow")
        .annotate(n=Count("id"))
        .order_by()
    )
    return [
        FlowStatus(
            name=spec.name,
            label=spec.label,
            interval=spec.interval,
            running_on=leases.get(spec.name, ""),
            last_run=SyncRun.objects.filter(flow=spec.name).order_by("-started_at").first(),
            last_success=SyncRun.objects.filter(
                flow=spec.name, outcome__in=[SyncRun.Outcome.SUCCEEDED, SyncRun.Outcome.PARTIAL]
            )
            .order_by("-started_at")
            .first(),
            next_due=due.get(spec.name),
            open_failures=failures.get(spec.name, 0),
        )
        for spec in ordered_flows()
    ]
