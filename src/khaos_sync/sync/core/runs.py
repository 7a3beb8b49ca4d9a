"""Recording what a flow run did: counts, Khaos calls, failed items with payloads."""

from __future__ import annotations

import logging
import threading
import time
import traceback
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.utils import timezone

from khaos_sync.backends.base import KhaosBackend
from khaos_sync.sync.core.backend import khaos_backend
from khaos_sync.sync.core.locks import flow_lock, holder_id
from khaos_sync.sync.core.models import FailedItem, SyncRun

log = logging.getLogger(__name__)

# The outcomes of an item that the run row counts besides "failed".
RUN_OUTCOMES = ("created", "updated", "unchanged")


@dataclass
class RunRecorder:
    """Counts kept in memory and written once at the end (one row per run)."""

    run: SyncRun
    counts: dict[str, int] = field(
        default_factory=lambda: {"created": 0, "updated": 0, "unchanged": 0, "failed": 0}
    )
    khaos_calls: int = 0
    summary: dict[str, object] = field(default_factory=dict)
    # Set when the run as a whole failed though nothing was raised (e.g. every
    # item failed): the run ends "failed" with this as its error.
    failure: str = ""
    # Calls are counted from the threads that fetch ahead as well.
    _calls_lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def count(self, outcome: str, n: int = 1) -> None:
        self.counts[outcome] += n

    def count_outcome(self, outcome: str, same_as: Mapping[str, str] | None = None) -> None:
        """Count a store's outcome: ``created``, ``updated`` and ``unchanged`` by name,
        others as ``same_as`` says; any other outcome (skipped…) is no count of the run."""
        name = (same_as or {}).get(outcome, outcome)
        if name in RUN_OUTCOMES:
            self.counts[name] += 1

    def call_made(self, n: int = 1) -> None:
        with self._calls_lock:
            self.khaos_calls += n

    def add(self, name: str, n: int = 1) -> None:
        """Add to a count kept in the run's summary (orders seen, alerts opened…)."""
        current = self.summary.get(name, 0)
        self.summary[name] = (current if isinstance(current, int) else 0) + n

    def add_seconds(self, name: str, seconds: float) -> None:
        """Add to a time kept in the run's summary: where a run's time goes."""
        current = self.summary.get(name, 0.0)
        total = (current if isinstance(current, int | float) else 0.0) + seconds
        self.summary[name] = round(total, 3)

    @contextmanager
    def timed(self, name: str) -> Iterator[None]:
        """Time the block into the summary's ``name`` (seconds, added up over the run)."""
        started = time.perf_counter()
        try:
            yield
        finally:
            self.add_seconds(name, time.perf_counter() - started)

    def saved_run(self) -> SyncRun:
        """The run's row as stored once the run has finished (what a flow's entry returns)."""
        return SyncRun.objects.get(pk=self.run.pk)

    def fail(self, key: str, payload: str | bytes, error: BaseException) -> FailedItem:
        """Log a failed item for replay; the run goes on with the next one."""
        self.counts["failed"] += 1
        text = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else payload
        log.warning(
            "item failed",
            extra={"flow": self.run.flow, "key": key, "error": str(error), "run": self.run.pk},
        )
        return record_failure(self.run.flow, key, text, error, run=self.run)


def record_failure(
    flow: str, key: str, payload: str, error: BaseException, *, run: SyncRun | None = None
) -> FailedItem:
    """One open failure per flow and key: a repeat bumps attempts instead of piling up."""
    trace = "".join(traceback.format_exception(error))
    existing = FailedItem.objects.filter(flow=flow, key=key).exclude(
        state=FailedItem.State.RESOLVED
    )
    item = existing.first()
    if item is None:
        return FailedItem.objects.create(
            run=run, flow=flow, key=key, payload=payload, error=str(error), traceback=trace
        )
    item.run, item.payload, item.error, item.traceback = run, payload, str(error), trace
    item.state = FailedItem.State.OPEN
    item.attempts += 1
    item.save()
    return item


def open_failure_keys(flow: str) -> set[str]:
    """Keys of the flow's failures not yet resolved (few, in a healthy shop)."""
    return set(
        FailedItem.objects.filter(flow=flow)
        .exclude(state=FailedItem.State.RESOLVED)
        .values_list("key", flat=True)
    )


def resolve_failures(flow: str, keys: list[str]) -> int:
    """An item that now went through is no longer a failure."""
    if not keys:
        return 0
    return (
        FailedItem.objects.filter(flow=flow, key__in=keys)
        .exclude(state=FailedItem.State.RESOLVED)
        .update(state=FailedItem.State.RESOLVED, updated_at=timezone.now())
    )


@contextmanager
def locked_run(flow: str) -> Iterator[RunRecorder]:
    """The usual shape of a flow's run: hold its lease, record the run, yield the recorder."""
    with flow_lock(flow), recorded_run(flow) as recorder:
        yield recorder


@contextmanager
def khaos_run(flow: str, url: str | None = None) -> Iterator[tuple[RunRecorder, KhaosBackend]]:
    """A locked, recorded run that asks Khaos: the recorder and the open backend.

    ``url`` names a KhaosWS endpoint other than the configured one (``--url``).
    """
    with locked_run(flow) as recorder, khaos_backend(url) as backend:
        yield recorder, backend


@contextmanager
def recorded_run(flow: str) -> Iterator[RunRecorder]:
    """Open a run row, yield a recorder, and close the row whatever happens."""
    run = SyncRun.objects.create(flow=flow, started_at=timezone.now(), holder=holder_id())
    recorder = RunRecorder(run)
    log.info("run started", extra={"flow": flow, "run": run.pk})
    try:
        yield recorder
    except BaseException as exc:
        finish(recorder, SyncRun.Outcome.FAILED, error=f"{type(exc).__name__}: {exc}")
        raise
    if recorder.failure:
        finish(recorder, SyncRun.Outcome.FAILED, error=recorder.failure)
        return
    outcome = SyncRun.Outcome.PARTIAL if recorder.counts["failed"] else SyncRun.Outcome.SUCCEEDED
    finish(recorder, outcome)


def finish(recorder: RunRecorder, outcome: str, *, error: str = "") -> None:
    run = recorder.run
    run.finished_at = timezone.now()
    run.outcome = outcome
    run.error = error
    run.khaos_calls = recorder.khaos_calls
    run.summary = recorder.summary
    for name, value in recorder.counts.items():
        setattr(run, name, value)
    run.save()
    log.info(
        "run finished",
        extra={"flow": run.flow, "run": run.pk, "outcome": outcome, "counts": recorder.counts},
    )
