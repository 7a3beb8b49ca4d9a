"""``import customers``: the one-time import of Khaos customers into shop accounts."""

from __future__ import annotations

from pathlib import Path

import click

from khaos_sync.cli.django_setup import setup_database
from khaos_sync.cli.progress import progress_bar

SHOWN_COLLISIONS = 20


@click.command("customers")
@click.option(
    "--classes",
    help="Comma-separated Khaos company classes to import (default: configuration; all).",
)
@click.option("--dry-run", is_flag=True, help="Write nothing; report what would happen.")
@click.option("--force", is_flag=True, help="Run again after a finished import; updates only.")
@click.option(
    "--report-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Also write the JSON and CSV report here (the only thing a dry run writes).",
)
@click.option("--url", help="KhaosWS endpoint (default: configuration).")
def import_customers(
    classes: str | None, dry_run: bool, force: bool, report_dir: Path | None, url: str | None
) -> None:
    """Create shop accounts (no password) with address books for Khaos customers, once."""
    setup_database()
    from khaos_sync.sync.core.locks import FlowBusy
    from khaos_sync.sync.customers.flow import (
        AlreadyImported,
        check_not_imported,
        import_customers,
    )
    from khaos_sync.sync.customers.report import write_report

    chosen = None if classes is None else [c.strip() for c in classes.split(",") if c.strip()]
    try:
        if not dry_run:
            check_not_imported(force)  # before any progress bar: refuse at once
        with progress_bar("Khaos customers") as progress:
            report = import_customers(
                classes=chosen, dry_run=dry_run, force=force, url=url, progress=progress
            )
    except (AlreadyImported, FlowBusy) as exc:
        raise click.ClickException(str(exc)) from None
    if report_dir is not None:
        stem = f"customer-import-{'dry-run-' if dry_run else ''}{report.started_at:%Y%m%dT%H%M%S}"
        for path in write_report(report, report_dir, stem):
            click.echo(f"report: {path}")
    print_report(report)


def print_report(report) -> None:  # type: ignore[no-untyped-def]
    summary = report.summary()
    if report.dry_run:
        click.echo("dry run: nothing was written; this is what an import would do")
    for outcome, count in sorted(summary["totals"].items()):
        click.echo(f"{outcome:<10} {count}")
    for reason, info in summary["skipped_by_reason"].items():
        click.echo(f"  skipped {reason:<20} {info['count']:>6}  {info['meaning']}")
    collisions = list(summary["email_collisions"].items())
    for email, codes in collisions[:SHOWN_COLLISIONS]:
        click.echo(f"  same e-mail {email}: {', '.join(codes)}")
    if len(collisions) > SHOWN_COLLISIONS:
        click.echo(f"  … {len(collisions) - SHOWN_COLLISIONS} more e-mails shared: see the report")
    click.echo(f"Khaos calls {summary['khaos_calls']}")
