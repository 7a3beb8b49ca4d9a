"""``import images``: product images from a folder or a ZIP (mapping §6)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from khaos_sync.cli.django_setup import setup_database
from khaos_sync.cli.progress import progress_bar

SHOWN = 20


@click.command("images")
@click.argument("path", required=False, type=click.Path(exists=True, path_type=Path))
@click.option("--pending", is_flag=True, help="Run queued or interrupted dashboard uploads.")
def import_images(path: Path | None, pending: bool) -> None:
    """Attach the JPEG, PNG and WebP files in PATH (a folder or a .zip) to their products."""
    if path is None and not pending:
        raise click.UsageError("give a folder or .zip to import, or --pending")
    setup_database()
    from khaos_sync.sync.images.jobs import create_job, process_pending_jobs, run_job

    if pending:
        click.echo(f"pending jobs run: {process_pending_jobs()}")
    if path is None:
        return
    job = create_job(path.resolve(), str(path))
    with progress_bar("images") as progress:
        job = run_job(job.pk, progress)
    print_report(job)


def print_report(job: Any) -> None:
    report = job.report
    counts = report.get("counts", {})
    width = max(len(name) for name in counts) if counts else 0
    for name, value in counts.items():
        click.echo(f"{name.replace('_', ' ').ljust(width)}  {value}")
    print_list("refused", [f"{r['file']}: {r['reason']}" for r in report.get("refused", [])])
    print_list("unmatched", report.get("unmatched", []))
    print_list("held", [f"{h['file']} ({h['stock_code']})" for h in report.get("held", [])])
    print_list("still without images", report.get("products_without_images", []))
    if job.report_file:
        click.echo(f"report: {job.report_file}")
    if job.state != "done":
        raise click.ClickException(job.error or f"import ended {job.state}")


def print_list(title: str, lines: list[str]) -> None:
    if not lines:
        return
    click.echo(f"{title}:")
    for line in lines[:SHOWN]:
        click.echo(f"  {line}")
    if len(lines) > SHOWN:
        click.echo(f"  … and {len(lines) - SHOWN} more in the report file")
