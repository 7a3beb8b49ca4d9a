"""The worker runs due flows, shares them safely and stops gracefully."""

from __future__ import annotations

import functools
import os
import signal
import threading
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from khaos_sync.protocol.errors import SoapFault, TransientError
from khaos_sync.sync.core.locks import holder_id, try_acquire
from khaos_sync.sync.core.models import FlowLock, FlowSchedule, SyncRun
from khaos_sync.worker.loop import Worker
from khaos_sync.worker.runner import INTERRUPTED
from tests.integration.ops.flows import failing_flow, register, sleeping_flow
from tests.threads import closing_thread

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("test_flows")]


def threaded(test):  # type: ignore[no-untyped-def]
    """The looping worker runs flows in threads, which need committed data and a real
    database: SQLite's in-memory test database locks whole tables between threads
    (a shop's SQLite file waits instead), so these run in the PostgreSQL pass."""
    test = pytest.mark.django_db(transaction=True)(test)

    def skip_on_memory_sqlite(*args, **kwargs):  # type: ignore[no-untyped-def]
        from django.db import connection

        if connection.vendor == "sqlite" and connection.is_in_memory_db():
            pytest.skip("threads on SQLite's in-memory test database; runs on PostgreSQL")
        return test(*args, **kwargs)

    return functools.wraps(test)(skip_on_memory_sqlite)


def test_once_runs_each_due_flow_and_then_nothing_is_due():
    register("alpha", sleeping_flow("alpha", 0))
    register("beta", sleeping_flow("beta", 0))
    first = Worker().run_due_once()
    assert sorted((r.flow, r.status) for r in first) == [("alpha", "ran"), ("beta", "ran")]
    assert Worker().run_due_once() == []  # another worker, a moment later: nothing due
    assert SyncRun.objects.filter(outcome="succeeded").count() == 2


def test_flows_run_in_dependency_order():
    for name in ("status", "orders", "stock", "catalogue"):
        register(name, sleeping_flow(name, 0))
    assert [r.flow for r in Worker().run_due_once()] == ["catalogue", "stock", "orders", "status"]


def test_a_flow_run_by_hand_recently_is_not_due():
    register("alpha", sleeping_flow("alpha", 0), interval=timedelta(minutes=30))
    SyncRun.objects.create(flow="alpha", started_at=timezone.now() - timedelta(minutes=5))
    assert Worker().run_due_once() == []
    due = FlowSchedule.objects.get(flow="alpha").next_due_at
    assert timedelta(minutes=24) < due - timezone.now() < timedelta(minutes=26)


def test_a_due_slot_comes_round_again_after_the_interval():
    register("alpha", sleeping_flow("alpha", 0), interval=timedelta(seconds=1))
    assert len(Worker().run_due_once()) == 1
    assert Worker().run_due_once() == []
    time.sleep(1.1)
    assert len(Worker().run_due_once()) == 1


@pytest.mark.parametrize(
    ("section", "key", "value", "expected"),
    [
        ("stock", "interval_minutes", 7, timedelta(minutes=7)),
        ("status", "interval_minutes", 5, timedelta(minutes=5)),
        ("catalogue", "interval_minutes", 90, timedelta(minutes=90)),
        ("prices", "interval_minutes", 45, timedelta(minutes=45)),
    ],
)
def test_the_worker_schedules_each_flow_by_its_own_interval_key(
    settings, section, key, value, expected
):
    settings.KHAOS_SYNC = {**settings.KHAOS_SYNC, section: {**settings.KHAOS_SYNC[section]}}
    settings.KHAOS_SYNC[section][key] = value
    register(section, sleeping_flow(section, 0), interval_key=f"{section}.{key}")
    Worker().run_due_once()
    due = FlowSchedule.objects.get(flow=section).next_due_at - timezone.now()
    assert expected - timedelta(minutes=1) < due <= expected


def test_a_flow_busy_elsewhere_is_skipped_not_failed():
    register("alpha", sleeping_flow("alpha", 0))
    assert try_acquire("alpha", timedelta(minutes=5), "other-machine:42")
    [result] = Worker().run_due_once()
    assert result.status == "busy"
    assert not SyncRun.objects.exists()


def test_a_failing_flow_is_recorded_and_the_worker_goes_on():
    register("alpha", failing_flow("alpha", SoapFault("Stock code not found")))
    register("beta", sleeping_flow("beta", 0))
    results = {r.flow: r for r in Worker().run_due_once()}
    assert results["alpha"].status == "failed"
    assert results["alpha"].run.outcome == "failed"
    assert "Stock code not found" in results["alpha"].run.error
    assert results["beta"].status == "ran"
    # A refusal will fail the same way again: the flow waits for its next slot.
    assert FlowSchedule.objects.get(flow="alpha").next_due_at > timezone.now() + timedelta(
        minutes=50
    )


def test_a_transient_failure_is_tried_again_soon():
    register("alpha", failing_flow("alpha", TransientError("connection reset")))
    Worker().run_due_once()
    due = FlowSchedule.objects.get(flow="alpha").next_due_at - timezone.now()
    assert due <= timedelta(minutes=1)


def run_in_background(worker: Worker) -> tuple[threading.Thread, list[bool]]:
    outcome: list[bool] = []
    thread = closing_thread(lambda: outcome.append(worker.run_forever()))
    thread.start()
    return thread, outcome


def wait_for(condition, timeout: float = 10.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


@threaded
def test_shutdown_lets_the_run_in_flight_finish():
    register("slow", sleeping_flow("slow", 1.0))
    worker = Worker(grace=10, tick=0.05)
    thread, clean = run_in_background(worker)
    wait_for(lambda: SyncRun.objects.filter(flow="slow").exists())
    worker.stop()
    thread.join(15)
    assert clean == [True]
    run = SyncRun.objects.get(flow="slow")
    assert run.outcome == "succeeded" and run.updated == 1


@threaded
def test_a_run_that_outlasts_the_grace_period_is_released_for_another_worker():
    register("slow", sleeping_flow("slow", 5.0))
    worker = Worker(grace=0.3, tick=0.05)
    thread, clean = run_in_background(worker)
    wait_for(lambda: SyncRun.objects.filter(flow="slow").exists())
    worker.stop()
    thread.join(5)
    assert clean == [False]
    run = SyncRun.objects.get(flow="slow")
    assert run.outcome == "failed" and run.error == INTERRUPTED
    lock = FlowLock.objects.get(name="slow")
    assert lock.holder == "" and lock.expires_at <= timezone.now()
    assert FlowSchedule.objects.get(flow="slow").next_due_at <= timezone.now()
    # A real worker exits here; the test process lives on, so let the thread end.
    for job in worker.jobs.values():
        job.thread.join(10)


def test_runs_left_running_by_a_dead_worker_are_closed():
    register("alpha", sleeping_flow("alpha", 0), interval=timedelta(seconds=1))
    orphan = SyncRun.objects.create(flow="alpha", started_at=timezone.now() - timedelta(hours=2))
    FlowSchedule.objects.create(flow="alpha", next_due_at=timezone.now())
    Worker().run_due_once()
    orphan.refresh_from_db()
    assert orphan.outcome == "failed" and orphan.error == INTERRUPTED


@threaded
def test_the_worker_keeps_the_lease_of_a_long_run(monkeypatch):
    from khaos_sync.worker import loop

    monkeypatch.setattr(loop, "HEARTBEAT", timedelta(seconds=0.1))
    register("slow", sleeping_flow("slow", 1.0))
    worker = Worker(grace=10, tick=0.05)
    thread, _ = run_in_background(worker)
    wait_for(lambda: SyncRun.objects.filter(flow="slow").exists())
    # The flow asked for 30 minutes; the worker's heartbeat keeps it to a few.
    wait_for(
        lambda: FlowLock.objects.get(name="slow").expires_at < timezone.now() + timedelta(minutes=6)
    )
    assert FlowLock.objects.get(name="slow").holder == holder_id()
    worker.stop()
    thread.join(15)


@threaded
def test_sigterm_stops_the_worker_after_the_run_in_flight():
    register("slow", sleeping_flow("slow", 0.5))
    worker = Worker(grace=10, tick=0.05)
    saved = signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)
    worker.install_signal_handlers()
    timer = threading.Timer(0.2, os.kill, (os.getpid(), signal.SIGTERM))
    try:
        timer.start()
        clean = worker.run_forever()  # in the main thread, where signals arrive
    finally:
        timer.cancel()
        signal.signal(signal.SIGTERM, saved[0])
        signal.signal(signal.SIGINT, saved[1])
    assert clean
    assert SyncRun.objects.get(flow="slow").outcome == "succeeded"


def test_once_from_the_command_line(khaos_settings):
    from click.testing import CliRunner

    from khaos_sync.cli.worker import worker

    register("alpha", sleeping_flow("alpha", 0, items=4))
    first = CliRunner().invoke(worker, ["--once"])
    assert first.exit_code == 0, first.output
    assert "alpha: succeeded (created 0, updated 4, unchanged 0, failed 0)" in first.output
    again = CliRunner().invoke(worker, ["--once"])
    assert "nothing due" in again.output


def test_the_worker_refuses_to_start_without_khaos(settings):
    from click.testing import CliRunner

    from khaos_sync.cli.worker import worker

    settings.KHAOS_SYNC = {**settings.KHAOS_SYNC, "khaos": {**settings.KHAOS_SYNC["khaos"]}}
    settings.KHAOS_SYNC["khaos"]["url"] = ""
    result = CliRunner().invoke(worker, ["--once"])
    assert result.exit_code == 1
    assert "khaos.url is empty" in result.output
