"""What this process needs to serve: the database, the cache, the file storage, search.

Each check is a name and a function answering why the dependency cannot be used
("" when it can). The web's ``/health/ready`` runs them all and the worker reports
them in its metrics (``khaos_sync_dependency_up``), so a load balancer and a
monitor see the same thing. Another dependency is one more ``Check`` in ``CHECKS``.
"""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.core.cache import caches
from django.core.files.storage import FileSystemStorage, storages
from django.db import DatabaseError, connection

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Check:
    name: str
    problem: Callable[[], str]


# Once the database is set up it stays so (an upgrade runs `init` before the new code
# serves), so the migration check runs until it first passes, then never again.
_set_up = False


def database_problem() -> str:
    """Unreachable, or not set up (migrations not applied)."""
    global _set_up
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        if not _set_up:
            if pending_migrations():
                return "the database is not set up: run `khaos-sync init`"
            _set_up = True
    except DatabaseError as exc:
        return f"database: {exc}"
    return ""


def pending_migrations() -> bool:
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    return bool(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def cache_problem() -> str:
    """A value written to the cache must read back (a shared Redis: reachable and writable)."""
    cache = caches["default"]
    # A key of its own: servers sharing the cache check at the same moment.
    token = uuid.uuid4().hex
    key = f"health-check:{token}"
    cache.set(key, token, 30)
    try:
        if cache.get(key) != token:
            return "cache: a value written could not be read back"
    finally:
        cache.delete(key)
    return ""


def storage_problem() -> str:
    """Media storage: the bucket answers, or the media folder (or its parent) is writable."""
    storage = storages["default"]
    if isinstance(storage, FileSystemStorage):
        folder = Path(storage.location)
        while not folder.exists() and folder != folder.parent:
            folder = folder.parent
        if not os.access(folder, os.W_OK):
            return f"storage: {folder} is not writable"
        return ""
    bucket = getattr(storage, "bucket_name", None)
    if bucket is not None:
        # One small request that fails when the bucket is missing or the credentials wrong.
        storage.connection.meta.client.head_bucket(Bucket=bucket)  # type: ignore[attr-defined]
        return ""
    storage.exists("health-check")
    return ""


def search_problem() -> str:
    """The search index answers, whichever engine is configured."""
    from haystack import connections

    backend = connections["default"].get_backend()
    # The PostgreSQL index reads its table; pysolr's and Elasticsearch's clients ping.
    ping = getattr(backend, "ping", None) or getattr(getattr(backend, "conn", None), "ping", None)
    if ping is not None:
        if ping() is False:
            return "search: the search server does not answer"
    elif hasattr(backend, "setup"):
        backend.setup()  # Whoosh: opens the index directory
    return ""


CHECKS: list[Check] = [
    Check("database", database_problem),
    Check("cache", cache_problem),
    Check("storage", storage_problem),
    Check("search", search_problem),
]


def problems() -> dict[str, str]:
    """Each failing dependency's name and why; empty when everything answers."""
    found = {}
    for check in CHECKS:
        try:
            problem = check.problem()
        except Exception as exc:  # a client library's own error: the check failed, say why
            problem = f"{check.name}: {type(exc).__name__}: {exc}"
        if problem:
            found[check.name] = problem
    return found
