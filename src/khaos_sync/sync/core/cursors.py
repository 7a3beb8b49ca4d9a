""" "Changed since" cursors, read with a safety buffer against clock skew."""

from __future__ import annotations

from datetime import datetime, timedelta

from khaos_sync.sync.core.models import Cursor

# Khaos's server clock and ours differ; Khaos asks integrators to overlap windows.
DEFAULT_BUFFER = timedelta(minutes=10)


def read_cursor(name: str, *, buffer: timedelta = DEFAULT_BUFFER) -> datetime | None:
    """The start of the next window, or None when the flow never completed a run."""
    row = Cursor.objects.filter(name=name).first()
    return None if row is None else row.value - buffer


def advance_cursor(name: str, value: datetime) -> None:
    """Move the cursor; called only after a run applied everything up to ``value``."""
    Cursor.objects.update_or_create(name=name, defaults={"value": value})
