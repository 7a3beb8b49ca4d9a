"""``sync prices`` and ``dump prices``: Khaos price lists."""

from __future__ import annotations

import json

import click

from khaos_sync.cli.django_setup import setup_database
from khaos_sync.cli.runs import finish_run, print_run, print_summary

SUMMARY_ROWS = (
    ("lists", "price lists fetched"),
    ("entries", "price breaks"),
    ("stock_type_breaks", "breaks by stock type (not used)"),
    ("removed", "lists Khaos no longer has"),
)


@click.command("prices")
@click.option(
    "--list",
    "names",
    multiple=True,
    metavar="NAME",
    help="Only this price list (repeatable); lists not named are left alone.",
)
@click.option("--url", help="KhaosWS endpoint (default: configuration).")
def sync_prices(names: tuple[str, ...], url: str | None) -> None:
    """Price lists from Khaos (GetPriceLists, ExportPriceList), once."""
    setup_database()
    from khaos_sync.sync.prices.flow import sync_prices_once

    run = sync_prices_once(url=url, names=list(names) or None)
    print_summary(run.summary, SUMMARY_ROWS)
    print_run(run)
    finish_run(run)


@click.command("prices")
@click.option("--json", "as_json", is_flag=True, required=True, help="JSON output.")
def dump_prices(as_json: bool) -> None:
    """Print every price list, its assignments and entries as JSON (a stable view)."""
    setup_database()
    from khaos_sync.sync.prices.dump import dump_price_lists

    click.echo(json.dumps(dump_price_lists(), indent=2, ensure_ascii=False))
