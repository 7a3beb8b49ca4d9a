"""Failed items are retried with their flow's own retry; the go-live switch stops writes."""

from __future__ import annotations

from datetime import timedelta

import pytest

from khaos_sync.protocol.errors import SoapFault
from khaos_sync.sync.core.golive import set_dry_run, writes_allowed
from khaos_sync.sync.core.locks import try_acquire
from khaos_sync.sync.core.models import FailedItem
from khaos_sync.sync.core.retry import (
    NotRetryable,
    RetryOutcome,
    drain_queue,
    queue_for_retry,
    retry_item,
)
from khaos_sync.sync.core.runs import record_failure
from tests.integration.ops.flows import fail_item, register, sleeping_flow

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("test_flows")]


def retrying_with(outcome: Exception | None):  # type: ignore[no-untyped-def]
    def retry(item: FailedItem) -> None:
        if outcome is not None:
            record_failure(item.flow, item.key, item.payload, outcome)

    return retry


def test_an_item_that_goes_through_is_resolved():
    register("alpha", sleeping_flow("alpha", 0), retry=retrying_with(None))
    item = fail_item("alpha", "ACM001")
    assert retry_item(item) == RetryOutcome.RESOLVED
    item.refresh_from_db()
    assert item.state == "resolved"


def test_an_item_that_fails_again_stays_open_with_the_new_error():
    register(
        "alpha", sleeping_flow("alpha", 0), retry=retrying_with(SoapFault("Item discontinued"))
    )
    item = fail_item("alpha", "ACM001")
    assert retry_item(item) == RetryOutcome.FAILED
    item.refresh_from_db()
    assert (item.state, item.attempts, item.error) == ("open", 2, "Item discontinued")


def test_an_exception_from_the_retry_itself_is_recorded_with_its_traceback():
    def broken(item: FailedItem) -> None:
        raise ValueError("payload is not XML")

    register("alpha", sleeping_flow("alpha", 0), retry=broken)
    item = fail_item("alpha", "ACM001")
    assert retry_item(item) == RetryOutcome.FAILED
    item.refresh_from_db()
    assert item.error == "ValueError: payload is not XML"
    assert "in broken" in item.traceback and item.attempts == 2


def test_a_busy_flow_leaves_the_item_queued():
    def locked(item: FailedItem) -> None:
        from khaos_sync.sync.core.locks import flow_lock

        with flow_lock("alpha"):
            pass

    register("alpha", sleeping_flow("alpha", 0), retry=locked)
    assert try_acquire("alpha", timedelta(minutes=1), "elsewhere:1")
    item = fail_item("alpha", "ACM001")
    assert retry_item(item) == RetryOutcome.QUEUED
    item.refresh_from_db()
    assert item.state == "retrying"


def test_a_flow_without_retry_refuses():
    register("alpha", sleeping_flow("alpha", 0))
    with pytest.raises(NotRetryable):
        retry_item(fail_item("alpha", "ACM001"))


def test_bulk_retry_queues_and_the_worker_drains_the_queue():
    register("alpha", sleeping_flow("alpha", 0), retry=retrying_with(None))
    items = [fail_item("alpha", f"ACM00{n}") for n in range(3)]
    assert queue_for_retry([i.pk for i in items]) == 3
    assert set(FailedItem.objects.values_list("state", flat=True)) == {"retrying"}
    assert drain_queue()["resolved"] == 3
    assert set(FailedItem.objects.values_list("state", flat=True)) == {"resolved"}


def test_dry_run_defaults_to_the_configuration_and_the_switch_overrides_it(settings):
    assert writes_allowed()
    settings.KHAOS_SYNC = {**settings.KHAOS_SYNC, "worker": {**settings.KHAOS_SYNC["worker"]}}
    settings.KHAOS_SYNC["worker"]["dry_run"] = True
    assert not writes_allowed()
    set_dry_run(False, by="staff@example.com")
    assert writes_allowed()
    set_dry_run(True, by="staff@example.com")
    assert not writes_allowed()
