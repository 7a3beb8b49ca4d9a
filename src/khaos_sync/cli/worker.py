"""``khaos-sync worker``: run every registered flow on its interval."""

from __future__ import annotations

import sys

import click

from khaos_sync.cli.django_setup import setup_database


@click.command()
@click.option("--once", is_flag=True, help="Run every due flow once, then exit (for cron, tests).")
@click.option(
    "--flow",
    "flows",
    multiple=True,
    help="Only this flow (repeatable); default: every registered flow.",
)
@click.option(
    "--grace",
    type=float,
    default=None,
    help="Seconds a shutdown waits for runs in flight (default: [worker] grace_seconds).",
)
def worker(once: bool, flows: tuple[str, ...], grace: float | None) -> None:
    """Run the sync flows on their schedule until SIGTERM or Ctrl-C.

    Any number of workers, on any number of machines, can share one PostgreSQL
    database: each due run is claimed by exactly one of them, and a flow never
    runs twice at the same time.
    """
    setup_database()
    from django.conf import settings

    from khaos_sync.sync.core.registry import FLOWS
    from khaos_sync.worker.loop import Worker
    from khaos_sync.worker.rules import worker_problems
    from khaos_sync.worker.schedule import scheduled_flows

    problems = worker_problems(settings.KHAOS_SYNC)
    if problems:
        raise click.ClickException("configuration:\n  " + "\n  ".join(problems))
    unknown = sorted(set(flows) - set(FLOWS))
    if unknown:
        raise click.BadParameter(
            f"unknown flow {', '.join(unknown)}; registered: {', '.join(sorted(FLOWS))}",
            param_hint="--flow",
        )
    config = settings.KHAOS_SYNC["worker"]
    runner = Worker(
        flows=list(flows) or None,
        grace=config["grace_seconds"] if grace is None else grace,
    )
    if once:
        results = runner.run_due_once()
        for result in results:
            click.echo(f"{result.flow}: {describe(result)}")
        if not results:
            click.echo("nothing due")
        raise SystemExit(1 if any(r.status == "failed" for r in results) else 0)
    for item in scheduled_flows(runner.flows):
        click.echo(f"{item.spec.name}: every {human(item.interval.total_seconds())}")
    start_metrics_server(config["metrics_port"])
    runner.install_signal_handlers()
    clean = runner.run_forever()
    sys.stdout.flush()
    raise SystemExit(0 if clean else 3)


def describe(result) -> str:  # type: ignore[no-untyped-def]
    if result.status == "busy":
        return "running on another worker, skipped"
    run = result.run
    if run is None:
        return "nothing to do" if result.status == "ran" else f"{result.status}: {result.error}"
    counts = f"created {run.created}, updated {run.updated}, unchanged {run.unchanged}"
    text = f"{run.outcome} ({counts}, failed {run.failed})"
    return f"{text}: {run.error}" if run.error else text


def human(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:g} s"
    if seconds < 7200:
        return f"{seconds / 60:g} min"
    return f"{seconds / 3600:g} h"


def start_metrics_server(port: int) -> None:
    """The worker's own Khaos call latencies and dependency checks (and the shared totals) on 127.0.0.1:port."""
    if not port:
        return
    from prometheus_client import start_http_server
    from prometheus_client.registry import CollectorRegistry

    from khaos_sync.sync.core.metrics import (
        KHAOS_CALL_SECONDS,
        DatabaseCollector,
        DependencyCollector,
    )

    registry = CollectorRegistry(auto_describe=False)
    registry.register(KHAOS_CALL_SECONDS)
    registry.register(DependencyCollector())
    registry.register(DatabaseCollector())
    start_http_server(port, addr="127.0.0.1", registry=registry)
    click.echo(f"metrics: http://127.0.0.1:{port}/metrics")
