"""The ``sync``, ``import`` and ``dump`` command groups; each sub-command is its own module."""

from __future__ import annotations

import click

from khaos_sync.cli.main import LazyGroup

SYNC_COMMANDS = {
    "catalogue": "khaos_sync.cli.catalogue:sync_catalogue",
    "stock": "khaos_sync.cli.stock:sync_stock",
    "orders": "khaos_sync.cli.orders:sync_orders",
    "status": "khaos_sync.cli.status:sync_status",
    "prices": "khaos_sync.cli.prices:sync_prices",
}
IMPORT_COMMANDS = {
    "stock": "khaos_sync.cli.catalogue:import_stock",
    "customers": "khaos_sync.cli.customers:import_customers",
    "images": "khaos_sync.cli.images:import_images",
}
DUMP_COMMANDS = {
    "catalogue": "khaos_sync.cli.catalogue:dump_catalogue",
    "prices": "khaos_sync.cli.prices:dump_prices",
}


def lazy_group(table: dict[str, str]) -> type[LazyGroup]:
    return type("Group", (LazyGroup,), {"commands_table": table})


@click.group(cls=lazy_group(SYNC_COMMANDS))
def sync() -> None:
    """Run one sync flow once, now."""


@click.group("import", cls=lazy_group(IMPORT_COMMANDS))
def import_() -> None:
    """Load data from files or one-time imports."""


@click.group(cls=lazy_group(DUMP_COMMANDS))
def dump() -> None:
    """Print what the sync produced, in a stable form."""
