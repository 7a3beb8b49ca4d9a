"""Entry point of the ``khaos-sync`` command line.

Sub-commands are imported only when used, so ``khaos-sync parse`` or
``khaos-sync khaos`` start without loading Django and Oscar.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

import click

from khaos_sync import __version__
from khaos_sync.cli.errors import explained

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
@click.option("--debug", is_flag=True, help="Show the traceback of any failure.")
def cli(debug: bool) -> None:
    """Keep a django-oscar shop and Khaos Control in step."""


def main() -> None:
    args = sys.argv[1:]
    # --debug is accepted anywhere on the line, except where the rest goes to Django.
    passthrough = args.index("manage") if "manage" in args else len(args)
    debug = "--debug" in args[:passthrough]
    args = [a for i, a in enumerate(args) if not (a == "--debug" and i < passthrough)]
    with explained(debug, explicit_url=option_value(args, "--url")):
        cli.main(args=args, prog_name="khaos-sync")


def option_value(args: list[str], name: str) -> str | None:
    for index, arg in enumerate(args):
        if arg == name and index + 1 < len(args):
            return args[index + 1]
        if arg.startswith(f"{name}="):
            return arg.split("=", 1)[1]
    return None
