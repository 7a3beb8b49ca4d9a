"""Writing records in batches, one transaction each, without losing the good ones.

A batch is written in one transaction; when that fails, each record of it is
written again on its own, so one bad record is logged as a failed item and the
others still land.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

from django.db import transaction

Item = TypeVar("Item")
Written = TypeVar("Written")


class SplitOnFailure(Generic[Item, Written]):
    """``write`` writes a batch; ``landed`` follows a batch that went in; ``failed`` a
    record that failed on its own (the run goes on with the next)."""

    def __init__(
        self,
        write: Callable[[Sequence[Item]], Written],
        landed: Callable[[Sequence[Item], Written], None],
        failed: Callable[[Item, Exception], None],
    ) -> None:
        self.write = write
        self.landed = landed
        self.failed = failed

    def __call__(self, batch: Sequence[Item]) -> None:
        try:
            with transaction.atomic():
                written = self.write(batch)
        except Exception as exc:  # any database or data error: find the bad record
            if len(batch) == 1:
                self.failed(batch[0], exc)
                return
            for item in batch:
                self([item])
            return
        self.landed(batch, written)
