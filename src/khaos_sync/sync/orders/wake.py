"""Waking an exporter loop in this process as soon as an order is committed.

Exporters in other processes find new orders by polling the outbox
(``[orders] poll_seconds``); this only shortens the wait for one in the
same process (e.g. the worker running beside the shop in a small install).
"""

from __future__ import annotations

import threading

_event = threading.Event()


def wake_exporters() -> None:
    _event.set()


def wait_for_work(timeout: float) -> bool:
    """Sleep up to ``timeout`` seconds or until woken; True when woken."""
    woken = _event.wait(timeout)
    _event.clear()
    return woken
