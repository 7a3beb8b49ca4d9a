"""Start Django for commands that need the shop's database or models."""

from __future__ import annotations

import os

from khaos_sync.cli.errors import (
    DATABASE_NOT_SET_UP,
    DATABASE_OUT_OF_DATE,
    SETUP,
    CliError,
    explain,
)
from khaos_sync.config import ConfigError

SETTINGS_MODULE = "khaos_sync.shop.settings"


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS_MODULE)
    import django

    try:
        django.setup()
    except ConfigError as exc:
        raise CliError(f"configuration: {exc}", SETUP) from None


def setup_database() -> None:
    """Django, and a database that ``init`` has set up: else one line and exit 2."""
    setup_django()
    problem = database_problem()
    if problem:
        raise CliError(problem, SETUP)


def database_problem() -> str:
    """Why the database cannot be used yet ("" when it can)."""
    from django.db import DatabaseError, connection
    from django.db.migrations.executor import MigrationExecutor

    try:
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError as exc:
        error = explain(exc)
        return error.format_message() if error else str(exc)
    if not plan:
        return ""
    return DATABASE_OUT_OF_DATE if executor.loader.applied_migrations else DATABASE_NOT_SET_UP
