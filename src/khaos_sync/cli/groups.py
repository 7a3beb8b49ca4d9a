"""The ``sync``, ``import`` and ``dump`` command groups; each sub-command is its own module."""

from __future__ import annotations

import click

from khaos_sync.cli.main import LazyGroup

SYNC_COMMANDS = {
    "catalogue": "khaos_sync.cli.catalogue:sync_catalogue",
}
IMPORT_COMMANDS = {
    "stock": "khaos_sync.cli.catalogue:import_stock",
}
DUMP_COMMANDS = {
    "catalogue": "khaos_sync.cli.catalogue:dump_catalogue",
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
