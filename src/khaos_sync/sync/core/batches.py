"""Write a batch in one transaction; when it fails, write its items one by one.

The importers write many items per transaction because a transaction per item
costs more than the writing itself. One bad item must still not take the rest
of its batch down with it: when the batch fails, each item is written again in
a transaction of its own, the good ones land and the bad one is kept as a
failed item (with its raw form, for a retry) while the run goes on.

A batch of one that fails is not a bad item among good ones, so its error
goes up to the run, as it did when each importer carried its own copy of this.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from django.db import transaction

from khaos_sync.sync.core.runs import RunRecorder, resolve_failures

T = TypeVar("T")
W = TypeVar("W")


@dataclass
class SplitApply(Generic[T, W]):
    """How one flow writes its items; ``apply`` does the batch-then-split."""

    flow: str
    recorder: RunRecorder
    # Writes items inside the caller's transaction; returns what was written.
    write: Callable[[Sequence[T]], W]
    # The key a failed item is kept (and later resolved) under, and its raw form.
    key: Callable[[T], str]
    raw: Callable[[T], str]
    # Work after a write has committed (alerts, search), given what was written.
    after: Callable[[W], None] | None = None

    def apply(self, batch: Sequence[T]) -> None:
        """Write ``batch`` whole; if that fails, each item on its own."""
        try:
            with transaction.atomic():
                written = self.write(batch)
        except Exception:
            if len(batch) == 1:
                raise
            for item in batch:
                self.apply_one(item)
            return
        self.committed(written)
        resolve_failures(self.flow, [self.key(item) for item in batch])

    def apply_one(self, item: T) -> None:
        try:
            with transaction.atomic():
                written = self.write([item])
        except Exception as exc:  # any database or data error: keep the item, go on
            self.recorder.fail(self.key(item), self.raw(item), exc)
            return
        self.committed(written)

    def committed(self, written: W) -> None:
        if self.after is not None:
            self.after(written)
