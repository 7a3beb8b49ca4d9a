"""Waking order exporters as soon as an order is committed.

In this process an event wakes the exporter loop at once. On PostgreSQL the
commit also sends a ``NOTIFY``, which a worker or exporter in another process
hears through a ``LISTEN`` connection of its own, so an order leaves within a
fraction of a second. SQLite has no such channel: there, exporters in other
processes find new orders by their short poll. Polling stays everywhere as
the safety net (a lost notification only costs one poll interval).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from django.db import DatabaseError, connection

log = logging.getLogger(__name__)

CHANNEL = "khaos_sync_orders"
# How often the listener looks up from its connection to see whether to stop.
LISTEN_TICK = 1.0
RECONNECT_SECONDS = 5.0

_event = threading.Event()


def wake_exporters() -> None:
    """Wake an exporter loop of this process (safe in a signal handler)."""
    _event.set()


def orders_ready() -> None:
    """Orders became due: wake exporters here and, on PostgreSQL, in other processes.

    Called after the commit that queued them (``transaction.on_commit``), or
    inside a transaction, where PostgreSQL delivers the notification on commit.
    """
    wake_exporters()
    if connection.vendor != "postgresql":
        return
    try:
        with connection.cursor() as cursor:
            cursor.execute(f"NOTIFY {CHANNEL}")
    except DatabaseError:
        # The order is queued whatever happens here; the poll will find it.
        log.warning("could not notify order exporters; they will poll", exc_info=True)


def wait_for_work(timeout: float) -> bool:
    """Sleep up to ``timeout`` seconds or until woken; True when woken."""
    woken = _event.wait(timeout)
    _event.clear()
    return woken


class OrderListener:
    """Calls ``on_orders`` whenever another process commits due orders (PostgreSQL only).

    The listening connection is its own, outside Django's per-thread
    connections, in autocommit mode so notifications arrive as they are sent.
    A dropped connection is opened again after a pause; meanwhile polling works.
    """

    def __init__(self, on_orders: Callable[[], None]) -> None:
        self.on_orders = on_orders
        self.stopping = threading.Event()
        self.listening = threading.Event()
        self.thread: threading.Thread | None = None

    def start(self) -> bool:
        """Start listening in a thread; False (and nothing started) off PostgreSQL."""
        if connection.vendor != "postgresql":
            return False
        params = connection.get_connection_params()
        self.thread = threading.Thread(
            target=self.listen_forever, args=(params,), name="order-listener", daemon=True
        )
        self.thread.start()
        return True

    def stop(self) -> None:
        self.stopping.set()
        if self.thread is not None:
            self.thread.join(timeout=LISTEN_TICK * 3)

    def listen_forever(self, params: dict[str, Any]) -> None:
        while not self.stopping.is_set():
            try:
                self.listen(params)
            except Exception:
                self.listening.clear()
                log.warning("order listener lost its connection; polling meanwhile", exc_info=True)
                self.stopping.wait(RECONNECT_SECONDS)

    def listen(self, params: dict[str, Any]) -> None:
        raw = connection.get_new_connection(params)
        try:
            raw.autocommit = True
            raw.execute(f"LISTEN {CHANNEL}")
            self.listening.set()
            while not self.stopping.is_set():
                # Several notifications in one tick are one wake-up: one pass sends them all.
                if any(True for _ in raw.notifies(timeout=LISTEN_TICK)):
                    self.on_orders()
        finally:
            self.listening.clear()
            raw.close()
