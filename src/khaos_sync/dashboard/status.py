"""What the overview page shows about each flow, read from the shared tables."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count
from django.utils import timezone

from khaos_sync.dashboard.models import FlowSchedule
from khaos_sync.sync.core.models import FailedItem, FlowLock, SyncRun
from khaos_sync.sync.core.registry import FLOWS
from khaos_sync.worker.schedule import interval_of, run_order, worker_settings


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
    config = worker_settings()
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
            name=name,
            label=spec.label,
            interval=interval_of(spec, config),
            running_on=leases.get(name, ""),
            last_run=SyncRun.objects.filter(flow=name).order_by("-started_at").first(),
            last_success=SyncRun.objects.filter(
                flow=name, outcome__in=[SyncRun.Outcome.SUCCEEDED, SyncRun.Outcome.PARTIAL]
            )
            .order_by("-started_at")
            .first(),
            next_due=due.get(name),
            open_failures=failures.get(name, 0),
        )
        for name, spec in sorted(FLOWS.items(), key=lambda item: run_order(item[0]))
    ]
