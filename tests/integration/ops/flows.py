"""Small real flows for the worker tests: they lock, record and take their time like real ones."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from khaos_sync.dashboard.access import mounted_flows
from khaos_sync.protocol.errors import TransientError
from khaos_sync.sync.core.locks import flow_lock
from khaos_sync.sync.core.models import FailedItem, SyncRun
from khaos_sync.sync.core.registry import FLOWS, FlowSpec, register_flow
from khaos_sync.sync.core.runs import recorded_run


def sleeping_flow(name: str, seconds: float, items: int = 1):  # type: ignore[no-untyped-def]
    def run_once() -> SyncRun:
        with flow_lock(name), recorded_run(name) as recorder:
            time.sleep(seconds)
            recorder.count("updated", items)
        return SyncRun.objects.get(pk=recorder.run.pk)

    return run_once


def failing_flow(name: str, error: Exception):  # type: ignore[no-untyped-def]
    def run_once() -> None:
        with flow_lock(name), recorded_run(name):
            raise error

    return run_once


# The installed flows, while only_flows hides them: a test flow named like one runs in its place.
INSTALLED: dict[str, FlowSpec] = {}


def register(name: str, run_once, interval=timedelta(hours=1), retry=None, interval_key=""):  # type: ignore[no-untyped-def]
    installed = INSTALLED.get(name)
    spec = FlowSpec(
        name=name,
        label=name.title(),
        run_once=run_once,
        every=interval,
        interval_key=interval_key,
        retry=retry,
        order=installed.order if installed else FlowSpec.order,
    )
    register_flow(spec)
    return spec


@contextmanager
def only_flows() -> Iterator[None]:
    """Hide the installed flows for the duration; the test registers its own."""
    mounted_flows()  # the installed flows' pages and menu entries stay mounted
    saved = dict(FLOWS)
    INSTALLED.update(saved)
    FLOWS.clear()
    try:
        yield
    finally:
        FLOWS.clear()
        FLOWS.update(saved)


def fail_item(flow: str, key: str, payload: str = "<ITEM/>") -> FailedItem:
    from khaos_sync.sync.core.runs import record_failure

    try:
        raise TransientError("Khaos timed out")
    except TransientError as exc:
        return record_failure(flow, key, payload, exc)
