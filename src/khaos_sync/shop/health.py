"""Public health endpoints for load balancers and orchestrators.

They answer a status and nothing else: anyone can call them, so what is wrong (a
database error names its host and port) goes to the log, for the operator.
"""

from __future__ import annotations

import logging

from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

log = logging.getLogger(__name__)

# Once the database is set up it stays so (an upgrade runs `init` before the new code
# serves), so the migration check runs until it first passes, then never again.
_set_up = False


@require_GET
def liveness(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@require_GET
def readiness(request: HttpRequest) -> JsonResponse:
    problem = database_problem() or search_problem()
    if problem:
        log.error("not ready", extra={"reason": problem})
        return JsonResponse({"status": "unavailable"}, status=503)
    return JsonResponse({"status": "ok"})


def database_problem() -> str:
    """Why the shop cannot serve ("" when it can): database unreachable or not set up."""
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


def search_problem() -> str:
    """Why the search index cannot answer ("" when it can), whichever engine is configured."""
    from haystack import connections

    try:
        backend = connections["default"].get_backend()
        # The PostgreSQL index reads its table; pysolr's and Elasticsearch's clients ping.
        ping = getattr(backend, "ping", None) or getattr(
            getattr(backend, "conn", None), "ping", None
        )
        if ping is not None:
            if ping() is False:
                return "search: the search server does not answer"
        elif hasattr(backend, "setup"):
            backend.setup()  # Whoosh: opens the index directory
    except Exception as exc:  # each engine raises errors of its own
        return f"search: {exc}"
    return ""


def pending_migrations() -> bool:
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    return bool(executor.migration_plan(executor.loader.graph.leaf_nodes()))
