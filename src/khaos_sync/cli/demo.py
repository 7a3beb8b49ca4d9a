"""``khaos-sync demo``: the whole story on one machine, with no Khaos system needed."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import click

DEMO_ADMIN = "demo@example.com"


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("var/demo"),
    show_default=True,
    help="Kept apart from a real shop's data.",
)
def demo(host: str, port: int, data_dir: Path) -> None:
    """Set up a demo shop in its own data folder and serve it."""
    os.environ["KHAOS_SYNC_DATA_DIR"] = str(data_dir.resolve())
    from khaos_sync.cli.django_setup import setup_django

    setup_django()
    from django.core.management import call_command

    from khaos_sync.cli.shop import populate_countries, serve

    call_command("migrate", interactive=False, verbosity=0)
    populate_countries()
    password = reset_demo_admin()
    click.echo(f"dashboard login: {DEMO_ADMIN} / {password}")
    serve.callback(host=host, port=port, workers=2)


def reset_demo_admin() -> str:
    """A fresh password on every demo run: nothing to remember, nothing reused."""
    from django.contrib.auth import get_user_model

    user, _ = get_user_model().objects.get_or_create(
        username=DEMO_ADMIN, defaults={"email": DEMO_ADMIN}
    )
    password = secrets.token_urlsafe(9)
    user.is_staff = user.is_superuser = True
    user.set_password(password)
    user.save()
    return password
