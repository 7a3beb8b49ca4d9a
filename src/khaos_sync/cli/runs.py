"""How a command reports a sync run: its counts, then the items that failed, then its exit."""

from __future__ import annotations

import click

from khaos_sync.cli.errors import FAILED

# The table stays short: the dashboard's failed items page has them all, with payloads.
SHOWN_FAILURES = 20
REASON_WIDTH = 100


def print_run(run) -> None:  # type: ignore[no-untyped-def]
    rows = [
        ("outcome", run.outcome),
        ("created", run.created),
        ("updated", run.updated),
        ("unchanged", run.unchanged),
        ("failed", run.failed),
        ("Khaos calls", run.khaos_calls),
        ("seconds", f"{run.duration:.1f}" if run.duration is not None else "-"),
    ]
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        click.echo(f"{name.ljust(width)}  {value}")


def print_summary(summary: dict[str, object], rows: tuple[tuple[str, str], ...]) -> None:
    """The flow's own counts from the run summary, those it recorded, under their labels."""
    width = max(len(label) for _key, label in rows)
    for key, label in rows:
        if key in summary:
            click.echo(f"{label.ljust(width)}  {summary[key]}")


def run_failed(run) -> bool:  # type: ignore[no-untyped-def]
    return bool(run.outcome == "failed" or run.failed)


def finish_run(run) -> None:  # type: ignore[no-untyped-def]
    """After the summary: the failed items with their reasons, and exit 1 if anything failed."""
    if not run_failed(run):
        return
    print_failures(run)
    if run.error:
        click.echo(f"error: {first_line(run.error)}", err=True)
    raise SystemExit(FAILED)


def print_failures(run) -> None:  # type: ignore[no-untyped-def]
    failures = list(run.failures.order_by("pk")[: SHOWN_FAILURES + 1])
    if not failures:
        return
    width = max(len("item"), *(len(f.key) for f in failures[:SHOWN_FAILURES]))
    click.echo("")
    click.echo(f"{'item'.ljust(width)}  reason")
    for failure in failures[:SHOWN_FAILURES]:
        click.echo(f"{failure.key.ljust(width)}  {first_line(failure.error)[:REASON_WIDTH]}")
    if run.failed > SHOWN_FAILURES:
        click.echo(f"… and {run.failed - SHOWN_FAILURES} more: see Khaos › Failed items")


def first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else ""
