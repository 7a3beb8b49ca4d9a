"""The run recorder: counts and times added up over a run end on the run row."""

from __future__ import annotations

import time

import pytest

from khaos_sync.sync.core.models import FlowLock, SyncRun
from khaos_sync.sync.core.runs import locked_run

pytestmark = pytest.mark.django_db


def test_counts_and_times_added_during_a_run_are_on_its_row():
    with locked_run("alpha") as recorder:
        recorder.add("orders", 3)
        recorder.add("orders")
        recorder.add("alerts_opened", 0)
        with recorder.timed("khaos_seconds"):
            time.sleep(0.01)
        with recorder.timed("khaos_seconds"):
            time.sleep(0.01)

    run = SyncRun.objects.get(pk=recorder.run.pk)
    assert run.summary["orders"] == 4 and run.summary["alerts_opened"] == 0
    assert run.summary["khaos_seconds"] >= 0.02
    assert run.outcome == "succeeded"


def test_a_locked_run_holds_the_flow_and_lets_it_go_after():
    with locked_run("alpha") as recorder:
        assert FlowLock.objects.get(name="alpha").holder == recorder.run.holder
    assert not FlowLock.objects.get(name="alpha").holder
