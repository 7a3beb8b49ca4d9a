"""Threads that tidy their database connections away when they end.

Django opens one connection per thread and closes it only when asked. A test
thread that used the ORM (a worker loop, an exporter) would leave its connection
open after the test; on PostgreSQL that keeps the worker's test database in use,
and pytest-django cannot drop it at the end of the run.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from django.db import connections


def closing_thread(target: Callable[[], object], **options: object) -> threading.Thread:
    """A thread running ``target`` that closes its own connections however it ends."""

    def run() -> None:
        try:
            target()
        finally:
            connections.close_all()

    return threading.Thread(target=run, **options)  # type: ignore[arg-type]
