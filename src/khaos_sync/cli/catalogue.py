"""``sync catalogue``, ``import stock`` and ``dump catalogue``."""

from __future__ import annotations

import json
from pathlib import Path

import click

from khaos_sync.cli.django_setup import setup_database
from khaos_sync.cli.errors import fail
from khaos_sync.cli.progress import progress_bar
from khaos_sync.cli.runs import finish_run, print_run, print_summary

SUMMARY_ROWS = (
    ("codes", "items asked for"),
    ("categories", "web category tree"),
    ("membership_changes", "items whose categories changed"),
)


@click.command("catalogue")
@click.option("--full", is_flag=True, help="Fetch every item, not only what changed.")
@click.option("--url", help="KhaosWS endpoint (default: configuration).")
def sync_catalogue(full: bool, url: str | None) -> None:
    """Bring products, variants, categories and tags from Khaos into the shop."""
    setup_database()
    from khaos_sync.sync.catalogue.flow import sync_catalogue_once

    with progress_bar("catalogue") as progress:
        run = sync_catalogue_once(full=full, url=url, progress=progress)
    print_summary(run.summary, SUMMARY_ROWS)
    print_run(run)
    finish_run(run)


@click.command("stock")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
def import_stock(files: tuple[Path, ...]) -> None:
    """Load products from KSDXMLStock export files (a later file wins per STOCK_ID)."""
    for path in files:
        check_readable(path)
    setup_database()
    from khaos_sync.protocol.errors import DocumentError
    from khaos_sync.sync.catalogue.flow import import_stock_files

    try:
        with progress_bar("stock items") as progress:
            run = import_stock_files(list(files), progress=progress)
    except DocumentError as exc:
        fail(f"{unreadable_file(files) or 'a file'}: {exc} (expected a KSDXMLStock export)")
    print_run(run)
    finish_run(run)


def check_readable(path: Path) -> None:
    if not path.exists():
        fail(f"{path}: no such file")
    if not path.is_file():
        fail(f"{path}: not a file")


def unreadable_file(files: tuple[Path, ...]) -> Path | None:
    """The first file that is not a readable stock export (only looked for after a failure)."""
    from khaos_sync.protocol.documents.stock import iter_stock_items
    from khaos_sync.protocol.errors import DocumentError

    for path in files:
        try:
            for _item in iter_stock_items(str(path)):
                pass
        except DocumentError:
            return path
    return None


@click.command("catalogue")
@click.option("--json", "as_json", is_flag=True, required=True, help="JSON output.")
def dump_catalogue(as_json: bool) -> None:
    """Print every synced product as JSON (a stable view for comparison)."""
    setup_database()
    from khaos_sync.sync.catalogue.dump import dump_products

    click.echo(json.dumps(dump_products(), indent=2, ensure_ascii=False))
