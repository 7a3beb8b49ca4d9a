"""Prometheus metrics.

Two kinds, because several processes on several machines do the work:

- what happened in the sync (runs, items, failures, the outbox) is read from
  the database at scrape time, so any process shows the same totals;
- Khaos call latency is measured where the call is made, in this process's own
  registry (a worker serves it on ``[worker] metrics_port``).
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Iterator
from typing import Any

from prometheus_client import CollectorRegistry, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

log = logging.getLogger(__name__)

PROCESS_REGISTRY = CollectorRegistry(auto_describe=True)

KHAOS_CALL_SECONDS = Histogram(
    "khaos_sync_khaos_call_seconds",
    "Duration of KhaosWS calls made by this process",
    ["operation", "outcome"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120),
    registry=PROCESS_REGISTRY,
)

ITEM_OUTCOMES = ("created", "updated", "unchanged", "failed")


def observe_call(operation: str, seconds: float, outcome: str) -> None:
    KHAOS_CALL_SECONDS.labels(operation=operation, outcome=outcome).observe(seconds)


class DatabaseCollector(Collector):
    """Counters and gauges derived from the sync tables when scraped.

    All or none: while the database cannot be read they are left out, so the
    scrape still answers and ``khaos_sync_dependency_up{dependency="database"}``
    says 0 (a failing collector would fail the whole scrape, hiding exactly that).
    """

    def collect(self) -> Iterator[Metric]:
        from django.db import DatabaseError

        try:
            found = [
                *run_metrics(),
                *failed_item_metrics(),
                *connection_metrics(),
                *golive_metrics(),
                *outbox_metrics(),
            ]
        except DatabaseError as exc:
            log.warning("database metrics left out: %s", exc)
            return
        yield from found


def outbox_metrics() -> Iterator[Metric]:
    """The order outbox by state, its total and the age of its oldest unsent order."""
    try:
        flow = importlib.import_module("khaos_sync.sync.orders.flow")
    except ModuleNotFoundError:
        return
    states: dict[str, int] = flow.outbox_states()
    by_state = GaugeMetricFamily(
        "khaos_sync_outbox_orders",
        "Orders not yet in Khaos: due now, waiting (back-off or Khaos unreachable), "
        "held for a person, in flight",
        labels=["state"],
    )
    for state, count in states.items():
        by_state.add_metric([state], count)
    yield by_state
    depth = GaugeMetricFamily(
        "khaos_sync_outbox_depth", "Orders not yet in Khaos, whatever their state"
    )
    depth.add_metric([], sum(states.values()))
    yield depth
    age = GaugeMetricFamily(
        "khaos_sync_outbox_oldest_unsent_age_seconds",
        "Age of the oldest order not yet in Khaos (0 when none)",
    )
    age.add_metric([], flow.oldest_unsent_age())
    yield age


def run_metrics() -> Iterator[Metric]:
    from django.db.models import Count, Max, Sum

    from khaos_sync.sync.core.models import SyncRun

    runs = CounterMetricFamily(
        "khaos_sync_runs",
        "Flow runs by outcome (running counts runs in flight)",
        labels=["flow", "outcome"],
    )
    for row in SyncRun.objects.values("flow", "outcome").annotate(n=Count("id")).order_by():
        runs.add_metric([row["flow"], row["outcome"]], row["n"])
    yield runs

    items = CounterMetricFamily(
        "khaos_sync_items",
        "Items processed by flow runs, by outcome",
        labels=["flow", "outcome"],
    )
    calls = CounterMetricFamily(
        "khaos_sync_khaos_calls",
        "Khaos calls made by runs",
        labels=["flow"],
    )
    sums: dict[str, Any] = {name: Sum(name) for name in (*ITEM_OUTCOMES, "khaos_calls")}
    totals: dict[str, Any]
    for totals in SyncRun.objects.values("flow").annotate(**sums).order_by():  # type: ignore[assignment]
        for outcome in ITEM_OUTCOMES:
            items.add_metric([totals["flow"], outcome], totals[outcome] or 0)
        calls.add_metric([totals["flow"]], totals["khaos_calls"] or 0)
    yield items
    yield calls

    last = GaugeMetricFamily(
        "khaos_sync_last_success_timestamp_seconds",
        "When the last run of a flow finished without failing",
        labels=["flow"],
    )
    finished = (
        SyncRun.objects.filter(outcome__in=[SyncRun.Outcome.SUCCEEDED, SyncRun.Outcome.PARTIAL])
        .values("flow")
        .annotate(at=Max("finished_at"))
        .order_by()
    )
    for latest in finished:
        if latest["at"] is not None:
            last.add_metric([latest["flow"]], latest["at"].timestamp())
    yield last


def failed_item_metrics() -> Iterator[Metric]:
    from django.db.models import Count

    from khaos_sync.sync.core.models import FailedItem

    gauge = GaugeMetricFamily(
        "khaos_sync_failed_items",
        "Failed items by state (open ones need a person)",
        labels=["flow", "state"],
    )
    for row in FailedItem.objects.values("flow", "state").annotate(n=Count("id")).order_by():
        gauge.add_metric([row["flow"], row["state"]], row["n"])
    yield gauge


def connection_metrics() -> Iterator[Metric]:
    from khaos_sync.sync.core.models import KhaosConnection

    row = KhaosConnection.objects.filter(pk=1).first()
    up = GaugeMetricFamily("khaos_sync_khaos_up", "1 when the latest Khaos call went through")
    up.add_metric([], 1 if row is not None and row.answering else 0)
    yield up
    if row is not None and row.last_success_at is not None:
        last = GaugeMetricFamily(
            "khaos_sync_khaos_last_success_timestamp_seconds", "When a Khaos call last went through"
        )
        last.add_metric([], row.last_success_at.timestamp())
        yield last


def golive_metrics() -> Iterator[Metric]:
    from khaos_sync.sync.core.golive import dry_run

    gauge = GaugeMetricFamily("khaos_sync_dry_run", "1 while nothing is written to Khaos")
    gauge.add_metric([], 1 if dry_run() else 0)
    yield gauge


class DependencyCollector(Collector):
    """Whether this process can use each dependency it needs, checked when scraped."""

    def collect(self) -> Iterator[Metric]:
        from khaos_sync.sync.core import dependencies

        failing = dependencies.problems()
        for name, problem in failing.items():
            log.warning("dependency check failed", extra={"dependency": name, "reason": problem})
        up = GaugeMetricFamily(
            "khaos_sync_dependency_up",
            "1 when this process can use the dependency (database, cache, storage)",
            labels=["dependency"],
        )
        for check in dependencies.CHECKS:
            up.add_metric([check.name], 0 if check.name in failing else 1)
        yield up


DATABASE_REGISTRY = CollectorRegistry(auto_describe=False)
DATABASE_REGISTRY.register(DependencyCollector())
DATABASE_REGISTRY.register(DatabaseCollector())


def exposition() -> bytes:
    """The text a scrape gets: the shared database view plus this process's own metrics."""
    return generate_latest(DATABASE_REGISTRY) + generate_latest(PROCESS_REGISTRY)
