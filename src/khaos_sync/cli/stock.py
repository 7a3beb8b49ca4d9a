"""``sync stock``: levels, what can be bought, packs."""

from __future__ import annotations

import click

from khaos_sync.cli.django_setup import setup_database
from khaos_sync.cli.progress import progress_bar


@click.command("stock")
@click.option("--full", is_flag=True, help="Refresh every item's level, not only what moved.")
@click.option("--url", help="KhaosWS endpoint (default: configuration).")
def sync_stock(full: bool, url: str | None) -> None:
    """Bring stock levels from Khaos into the shop's stock records."""
    setup_database()
    from khaos_sync.cli.runs import finish_run, print_run
    from khaos_sync.sync.stock.flow import sync_stock_once

    with progress_bar("stock levels") as progress:
        run = sync_stock_once(full=full, url=url, progress=progress)
    print_run(run)
    summary = run.summary or {}
    for name in ("codes", "sites", "not_in_shop", "alerts_opened"):
        if name in summary:
            click.echo(f"{name.replace('_', ' ')}: {summary[name]}")
    finish_run(run)
