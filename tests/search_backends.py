"""Running a search test against each search backend the shop offers without a server.

``search_backend`` is the embedded Whoosh index, then the PostgreSQL index; the
PostgreSQL run is skipped, with a notice, when the test database is SQLite.
Errors are not silenced, so a query the backend cannot take fails the test.
"""

from __future__ import annotations

from collections.abc import Iterator

import haystack
import pytest
from django.db import connection

BACKENDS = ["whoosh", pytest.param("postgres", marks=pytest.mark.postgres)]


def use_search_backend(name: str, settings) -> None:
    # Imported here: the shop's settings module must first be loaded by the test settings.
    from khaos_sync.shop.settings import haystack_connections

    if name == "postgres" and connection.vendor != "postgresql":
        pytest.skip("the PostgreSQL search backend needs DATABASE_URL=postgres://…")
    conf = haystack_connections(name, "", settings.DATA_DIR)
    conf["default"]["SILENTLY_FAIL"] = False  # type: ignore[assignment]
    settings.HAYSTACK_CONNECTIONS = conf
    haystack.connections.connections_info = conf
    haystack.connections.reload("default")


def restore_search_backend(previous: dict, settings) -> None:
    # The engine reads its options from the settings: restore them before reloading.
    settings.HAYSTACK_CONNECTIONS = previous
    haystack.connections.connections_info = previous
    haystack.connections.reload("default")


@pytest.fixture(params=BACKENDS)
def search_backend(request, settings) -> Iterator[str]:
    previous = haystack.connections.connections_info
    use_search_backend(request.param, settings)
    yield request.param
    restore_search_backend(previous, settings)
