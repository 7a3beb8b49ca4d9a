from __future__ import annotations

from django.apps import AppConfig


class PgSearchConfig(AppConfig):
    """The PostgreSQL search index's table; installed with every backend so that
    switching ``[shop] search_backend`` to "postgres" needs no new migration."""

    name = "khaos_sync.shop.pgsearch"
    label = "khaos_search"
    verbose_name = "search index (PostgreSQL)"
