"""Running one flow once, and cleaning up after a run a shutdown had to abandon."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from khaos_sync.sync.core.locks import FlowBusy, holder_id, release, renew
from khaos_sync.sync.core.models import FlowLock, SyncRun
from khaos_sync.sync.core.registry import FlowSpec
from khaos_sync.worker.schedule import RETRY_SOON, due_soon_again

log = logging.getLogger(__name__)

# While a worker is alive it renews the leases of the flows it runs this often,
# for LEASE_TTL each time: a worker that dies loses its leases within minutes
# instead of the half hour a flow asks for when it starts.
HEARTBEAT = timedelta(seconds=30)
LEASE_TTL = timedelta(minutes=5)
INTERRUPTED = "interrupted: the worker stopped before the run finished; the next run repeats it"


@dataclass
class JobResult:
    flow: str
    status: str  # "ran", "busy" (someone else is on it) or "failed"
    run: SyncRun | None = None
    error: BaseException | None = None


def run_flow(spec: FlowSpec) -> JobResult:
    """Run ``spec`` once; a flow already running elsewhere is not an error."""
    started = timezone.now()
    try:
        result = spec.run_once()
    except FlowBusy:
        log.info("flow busy elsewhere, skipped", extra={"flow": spec.name})
        return JobResult(spec.name, "busy")
    except Exception as exc:
        log.exception("flow run failed", extra={"flow": spec.name})
        if getattr(exc, "retryable", False):
            due_soon_again(spec.name, RETRY_SOON)
        return JobResult(spec.name, "failed", latest_run(spec.name, started), exc)
    run = result if isinstance(result, SyncRun) else latest_run(spec.name, started)
    return JobResult(spec.name, "ran", run)


def latest_run(flow: str, since: datetime) -> SyncRun | None:
    return SyncRun.objects.filter(flow=flow, started_at__gte=since).order_by("-started_at").first()


def keep_lease(flow: str) -> None:
    renew(flow, holder_id(), LEASE_TTL)


def abandon(flow: str, since: datetime) -> None:
    """Give up a run still in flight at shutdown so that another worker repeats it.

    The lease is released and the schedule slot brought forward; the run's row,
    which its own code can no longer close, is closed here.
    """
    release(flow, holder_id())
    due_soon_again(flow, timedelta(0))
    SyncRun.objects.filter(
        flow=flow, outcome=SyncRun.Outcome.RUNNING, started_at__gte=since
    ).update(outcome=SyncRun.Outcome.FAILED, finished_at=timezone.now(), error=INTERRUPTED)
    log.warning("run abandoned at shutdown", extra={"flow": flow})


def close_orphaned_runs(flow: str) -> int:
    """Close runs left "running" by a worker that died: nobody holds the flow's lease.

    Only runs older than a minute: a run that started after the lease was seen
    free belongs to a live worker.
    """
    now = timezone.now()
    if FlowLock.objects.filter(name=flow, expires_at__gt=now).exists():
        return 0
    return SyncRun.objects.filter(
        flow=flow, outcome=SyncRun.Outcome.RUNNING, started_at__lt=now - timedelta(minutes=1)
    ).update(outcome=SyncRun.Outcome.FAILED, finished_at=now, error=INTERRUPTED)
