"""Start Django for commands that need the shop's database or models."""

from __future__ import annotations

import os

import click

from khaos_sync.config import ConfigError

SETTINGS_MODULE = "khaos_sync.shop.settings"


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS_MODULE)
    import django

    try:
        django.setup()
    except ConfigError as exc:
        raise click.ClickException(f"configuration: {exc}") from None
