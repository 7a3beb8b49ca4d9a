"""Commands that set up and run the shop: ``init``, ``serve``, ``manage``."""

from __future__ import annotations

import os
import secrets
import sys

import click

from khaos_sync.cli.django_setup import SETTINGS_MODULE, setup_database, setup_django


@click.command()
@click.option("--no-input", is_flag=True, help="Never prompt; fail instead.")
def init(no_input: bool) -> None:
    """Create or upgrade the database, static files and the first admin.

    The admin comes from KHAOS_SYNC_ADMIN_EMAIL and KHAOS_SYNC_ADMIN_PASSWORD;
    without a password one is generated and printed once.
    """
    write_config_file()
    setup_django()
    from django.core.management import call_command

    new_installation = not database_was_set_up()
    call_command("migrate", interactive=False, verbosity=0)
    click.echo("database: up to date")
    call_command("collectstatic", interactive=False, verbosity=0)
    click.echo("static files: collected")
    populate_countries()
    ensure_operator_group()
    ensure_admin()
    if new_installation:
        start_in_dry_run()


def write_config_file() -> None:
    """A new data dir gets the example configuration, every key with its default."""
    from khaos_sync.cli.example_config import write_example
    from khaos_sync.config import data_dir_from

    if os.environ.get("KHAOS_SYNC_CONFIG"):
        return
    written = write_example(data_dir_from(os.environ))
    if written is not None:
        click.echo(f"configuration: {written} (every key, commented out with its default)")


def database_was_set_up() -> bool:
    from django.db import connection
    from django.db.migrations.recorder import MigrationRecorder

    recorder = MigrationRecorder(connection)
    return recorder.has_table() and bool(recorder.applied_migrations())


def start_in_dry_run() -> None:
    """Nothing is written to Khaos until a person goes live from the dashboard."""
    from khaos_sync.sync.core import golive

    golive.set_dry_run(True, by="khaos-sync init")
    click.echo(
        "go-live: dry run; nothing is written to Khaos until you go live (Dashboard > Khaos)"
    )


def populate_countries() -> None:
    from oscar.core.loading import get_model

    country = get_model("address", "Country")
    if country.objects.exists():
        return
    from django.core.management import call_command

    call_command("oscar_populate_countries", verbosity=0)
    # A UK shop: the customer's first choice at checkout.
    country.objects.filter(iso_3166_1_a2="GB").update(display_order=1)
    click.echo("countries: loaded")


def ensure_operator_group() -> None:
    from khaos_sync.dashboard.access import OPERATOR_GROUP, ensure_operator_group

    if ensure_operator_group():
        click.echo(f"group: created {OPERATOR_GROUP!r}")


def ensure_admin() -> None:
    from django.contrib.auth import get_user_model

    user_model = get_user_model()
    email = os.environ.get("KHAOS_SYNC_ADMIN_EMAIL", "admin@example.com")
    if user_model.objects.filter(is_superuser=True).exists():
        click.echo("admin: already exists")
        return
    password = os.environ.get("KHAOS_SYNC_ADMIN_PASSWORD") or ""
    generated = not password
    if generated:
        password = secrets.token_urlsafe(12)
    user_model.objects.create_superuser(username=email[:150], email=email, password=password)
    click.echo(f"admin: created {email}")
    if generated:
        # Shown once; it is stored only as a hash.
        click.echo(f"admin password (shown once): {password}")


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=2, show_default=True, type=int)
def serve(host: str, port: int, workers: int) -> None:
    """Run the shop with gunicorn (static files by WhiteNoise, media by Django)."""
    setup_database()  # refuse to serve bare 500s before `init`

    # Every start, not only the first: an upgrade brings new scripts and styles
    # (collectstatic copies only what changed, so this is quick).
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)
    os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS_MODULE
    argv = [
        sys.executable,
        "-m",
        "gunicorn",
        "khaos_sync.shop.wsgi:application",
        f"--bind={host}:{port}",
        f"--workers={workers}",
        "--access-logfile=-",
        "--error-logfile=-",
        "--logger-class=khaos_sync.shop.gunicorn_logging.JsonLogger",
        "--timeout=60",
        "--graceful-timeout=30",
    ]
    click.echo(f"shop: http://{host}:{port}/  dashboard: http://{host}:{port}/dashboard/")
    sys.stdout.flush()
    os.execv(sys.executable, argv)


@click.command(
    context_settings={"ignore_unknown_options": True, "allow_extra_args": True},
    add_help_option=False,
)
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def manage(args: tuple[str, ...]) -> None:
    """Run a Django management command, e.g. ``khaos-sync manage shell``."""
    setup_django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["khaos-sync manage", *args])
