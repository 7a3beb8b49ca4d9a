"""``sync catalogue``, ``import stock`` and ``dump catalogue``."""

from __future__ import annotations

import json
from pathlib import Path

import click

from khaos_sync.cli.django_setup import setup_django
from khaos_sync.cli.progress import progress_bar


@click.command("catalogue")
@click.option("--full", is_flag=True, help="Fetch every item, not only what changed.")
@click.option("--url", help="KhaosWS endpoint (default: configuration).")
def sync_catalogue(full: bool, url: str | None) -> None:
    """Bring products, variants, categories and tags from Khaos into the shop."""
    setup_django()
    from khaos_sync.sync.catalogue.flow import sync_catalogue_once

    with progress_bar("catalogue") as progress:
        run = sync_catalogue_once(full=full, url=url, progress=progress)
    print_run(run)


@click.command("stock")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
def import_stock(files: tuple[str, ...]) -> None:
    """Load products from KSDXMLStock export files (a later file wins per STOCK_ID)."""
    setup_django()
    from khaos_sync.sync.catalogue.flow import import_stock_files

    with progress_bar("stock items") as progress:
        run = import_stock_files([Path(f) for f in files], progress=progress)
    print_run(run)


@click.command("catalogue")
@click.option("--json", "as_json", is_flag=True, required=True, help="JSON output.")
def dump_catalogue(as_json: bool) -> None:
    """Print every synced product as JSON (a stable view for comparison)."""
    setup_django()
    from khaos_sync.sync.catalogue.dump import dump_products

    click.echo(json.dumps(dump_products(), indent=2, ensure_ascii=False))


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
    if run.error:
        click.echo(f"error: {run.error}", err=True)
    if run.outcome == "failed":
        raise SystemExit(1)
