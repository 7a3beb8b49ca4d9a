"""Search index updates.

Haystack's realtime processor re-indexes a product on every save. A catalogue
sync saves thousands of rows in bulk and refreshes the index per batch itself,
so the realtime processor here can be paused for the duration of an import.

Only parents and standalone products are in the index; a parent's entry carries
its variants' options, SKUs and barcodes. So a saved variant re-indexes its
parent rather than appearing as a search result of its own.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from haystack.signals import RealtimeSignalProcessor

_paused = threading.local()


@contextmanager
def index_updates_paused() -> Iterator[None]:
    """Skip per-save indexing in this thread; the caller updates the index after."""
    previous = getattr(_paused, "value", False)
    _paused.value = True
    try:
        yield
    finally:
        _paused.value = previous


class DashboardSignalProcessor(RealtimeSignalProcessor):
    """Realtime indexing, except inside :func:`index_updates_paused`."""

    def handle_save(self, sender, instance, **kwargs):  # type: ignore[no-untyped-def]
        if getattr(_paused, "value", False):
            return
        if getattr(instance, "is_child", False):  # a catalogue Product that is a variant
            instance = instance.parent
        super().handle_save(sender, instance, **kwargs)

    def handle_delete(self, sender, instance, **kwargs):  # type: ignore[no-untyped-def]
        if not getattr(_paused, "value", False):
            super().handle_delete(sender, instance, **kwargs)
