"""The long-running worker process.

Each due flow runs in a thread of its own (at most one per flow), so the order
export keeps draining the outbox every few seconds while a catalogue pull takes
its time. SIGTERM or SIGINT stops claiming new work; runs in flight get
``grace`` seconds to finish, after which they are abandoned (lease released,
slot brought forward, run row closed) and the process exits.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from types import FrameType

from django.db import close_old_connections, connection
from django.utils import timezone

from khaos_sync.sync.core.locks import holder_id
from khaos_sync.sync.core.retry import drain_queue
from khaos_sync.sync.orders.wake import OrderListener
from khaos_sync.worker.runner import (
    HEARTBEAT,
    JobResult,
    abandon,
    close_orphaned_runs,
    keep_lease,
    run_flow,
)
from khaos_sync.worker.schedule import Scheduled, claim, due_soon_again, scheduled_flows

log = logging.getLogger(__name__)

RETRY_QUEUE = "retry-queue"
RETRY_QUEUE_EVERY = timedelta(seconds=10)
ORDERS = "orders"


@dataclass
class Job:
    name: str
    started: datetime
    thread: threading.Thread
    result: JobResult | None = None


@dataclass
class Worker:
    """Runs the scheduled flows until stopped."""

    flows: list[str] | None = None  # None: every registered flow
    grace: float = 60.0
    tick: float = 1.0
    holder: str = field(default_factory=holder_id)
    stop_event: threading.Event = field(default_factory=threading.Event)
    # Set by a stop or by committed orders (PostgreSQL NOTIFY): ends the tick's wait.
    wake_event: threading.Event = field(default_factory=threading.Event)
    orders_waiting: threading.Event = field(default_factory=threading.Event)
    listener: OrderListener | None = None
    jobs: dict[str, Job] = field(default_factory=dict)
    results: list[JobResult] = field(default_factory=list)
    _last_heartbeat: float = 0.0
    _last_retry_drain: float = 0.0

    # --- one pass -------------------------------------------------------------

    def run_due_once(self) -> list[JobResult]:
        """Run every due flow once, one after the other (``--once``)."""
        results = []
        for item in scheduled_flows(self.flows):
            if self.stop_event.is_set():
                break
            if claim(item.spec.name, item.interval, self.holder):
                close_orphaned_runs(item.spec.name)
                results.append(run_flow(item.spec))
        drain_retry_queue()
        self.results.extend(results)
        return results

    # --- the loop -------------------------------------------------------------

    def run_forever(self) -> bool:
        """Loop until stopped; False when a run had to be abandoned at shutdown."""
        schedule = scheduled_flows(self.flows)
        log.info(
            "worker started",
            extra={
                "holder": self.holder,
                "flows": {s.spec.name: s.interval.total_seconds() for s in schedule},
            },
        )
        self.listener = listener = OrderListener(self.orders_committed)
        if any(s.spec.name == ORDERS for s in schedule):
            listener.start()
        try:
            while not self.stop_event.is_set():
                self.reap()
                self.bring_orders_forward()
                self.start_due(schedule)
                self.heartbeat()
                self.wake_event.wait(self.tick)
                self.wake_event.clear()
        finally:
            listener.stop()
        return self.shut_down()

    def orders_committed(self) -> None:
        """Another process committed orders: export them now, not at the next slot."""
        self.orders_waiting.set()
        self.wake_event.set()

    def bring_orders_forward(self) -> None:
        if self.orders_waiting.is_set():
            self.orders_waiting.clear()
            due_soon_again(ORDERS, timedelta(0))

    def start_due(self, schedule: list[Scheduled]) -> None:
        for item in schedule:
            name = item.spec.name
            if name in self.jobs or not claim(name, item.interval, self.holder):
                continue
            close_orphaned_runs(name)
            self.start(name, lambda spec=item.spec: run_flow(spec))
        if RETRY_QUEUE not in self.jobs and self.retry_drain_due():
            self.start(RETRY_QUEUE, drain_retry_queue)

    def retry_drain_due(self) -> bool:
        now = time.monotonic()
        if now - self._last_retry_drain < RETRY_QUEUE_EVERY.total_seconds():
            return False
        self._last_retry_drain = now
        return True

    def start(self, name: str, target: Callable[[], object]) -> None:
        job = Job(name, timezone.now(), threading.Thread(name=f"flow-{name}", daemon=True))

        def work() -> None:
            try:
                outcome = target()
                job.result = outcome if isinstance(outcome, JobResult) else None
            except Exception:
                log.exception("job crashed", extra={"flow": name})
            finally:
                connection.close()

        job.thread.run = work  # type: ignore[method-assign]
        self.jobs[name] = job
        job.thread.start()

    def reap(self) -> None:
        for name, job in list(self.jobs.items()):
            if not job.thread.is_alive():
                del self.jobs[name]
                if job.result is not None:
                    self.results.append(job.result)
        close_old_connections()

    def heartbeat(self) -> None:
        now = time.monotonic()
        if now - self._last_heartbeat < HEARTBEAT.total_seconds():
            return
        self._last_heartbeat = now
        for name in self.jobs:
            if name != RETRY_QUEUE:
                keep_lease(name)

    # --- stopping -------------------------------------------------------------

    def stop(self) -> None:
        self.stop_event.set()
        self.wake_event.set()

    def install_signal_handlers(self) -> None:
        def handle(signum: int, frame: FrameType | None) -> None:
            if self.stop_event.is_set():
                log.warning("second signal: abandoning runs in flight")
                self.grace = 0
            log.info("worker stopping", extra={"signal": signal.Signals(signum).name})
            self.stop()

        signal.signal(signal.SIGTERM, handle)
        signal.signal(signal.SIGINT, handle)

    def shut_down(self) -> bool:
        deadline = time.monotonic() + self.grace
        for job in list(self.jobs.values()):
            while job.thread.is_alive() and time.monotonic() < deadline and self.grace > 0:
                job.thread.join(timeout=0.2)
                self.heartbeat()
        self.reap()
        clean = True
        for name, job in self.jobs.items():
            if name != RETRY_QUEUE:
                abandon(name, job.started)
                clean = False
        log.info("worker stopped", extra={"holder": self.holder, "clean": clean})
        return clean


def drain_retry_queue() -> None:
    counts = drain_queue()
    if any(counts.values()):
        log.info("retry queue worked through", extra={"counts": counts})
