"""Entry point of the ``khaos-sync`` command line.

Sub-commands are imported only when used, so ``khaos-sync parse`` or
``khaos-sync khaos`` start without loading Django and Oscar.
"""

from __future__ import annotations

import importlib
from typing import Any

import click

from khaos_sync import __version__

# name -> "module:attribute" of a click command or group.
COMMANDS: dict[str, str] = {
    "init": "khaos_sync.cli.shop:init",
    "serve": "khaos_sync.cli.shop:serve",
    "manage": "khaos_sync.cli.shop:manage",
    "khaos": "khaos_sync.cli.khaos:khaos",
    "parse": "khaos_sync.cli.parse:parse",
    "simulate": "khaos_sync.cli.simulate:simulate",
    "demo": "khaos_sync.cli.demo:demo",
    "sync": "khaos_sync.cli.groups:sync",
    "import": "khaos_sync.cli.groups:import_",
    "dump": "khaos_sync.cli.groups:dump",
    "worker": "khaos_sync.cli.worker:worker",
    "check": "khaos_sync.cli.check:check",
}


class LazyGroup(click.Group):
    """A click group whose commands are imported on first use."""

    commands_table: dict[str, str] = COMMANDS

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(self.commands_table) | set(super().list_commands(ctx)))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = self.commands_table.get(cmd_name)
        if target is None:
            return super().get_command(ctx, cmd_name)
        module_name, attr = target.split(":")
        command: Any = getattr(importlib.import_module(module_name), attr)
        return command  # type: ignore[no-any-return]


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="khaos-sync")
def cli() -> None:
    """Keep a django-oscar shop and Khaos Control in step."""


def main() -> None:
    cli()
