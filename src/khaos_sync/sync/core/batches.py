"""Write a batch in one transaction; when it fails, write its items one by one.

The importers write many items per transaction because a transaction per item
costs more than the writing itself. One bad item must still not take the rest
of its batch down with it: when the batch fails, each item is written again in
a transaction of its own, the good ones land and the bad one is kept as a
failed item (with its raw form, for a retry) while the run goes on.

:class:`SplitOnFailure` is the mechanism, with callbacks; :class:`SplitApply`
is how the flows with a run recorder use it (catalogue, stock).
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
class SplitOnFailure(Generic[T, W]):
    """``write`` writes a batch; ``landed`` follows a write that committed; ``failed``
    an item that failed on its own (the run goes on with the next).

    With ``lone_batch_raises``, a batch of one that fails is not a bad item among
    good ones: its error goes up to the run instead of ``failed``.
    """

    write: Callable[[Sequence[T]], W]
    landed: Callable[[Sequence[T], W], None]
    failed: Callable[[T, Exception], None]
    lone_batch_raises: bool = False

    def __call__(self, batch: Sequence[T]) -> None:
        try:
            written = self.written(batch)
        except Exception as exc:  # any database or data error: find the bad item
            if len(batch) > 1:
                for item in batch:
                    self.write_alone(item)
            elif self.lone_batch_raises:
                raise
            else:
                self.failed(batch[0], exc)
            return
        self.landed(batch, written)

    def write_alone(self, item: T) -> None:
        try:
            written = self.written([item])
        except Exception as exc:  # any database or data error: keep the item, go on
            self.failed(item, exc)
            return
        self.landed([item], written)

    def written(self, batch: Sequence[T]) -> W:
        with transaction.atomic():
            return self.write(batch)


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
        SplitOnFailure(self.write, self.committed, self.fail, lone_batch_raises=True)(batch)

    def committed(self, batch: Sequence[T], written: W) -> None:
        if self.after is not None:
            self.after(written)
        resolve_failures(self.flow, [self.key(item) for item in batch])

    def fail(self, item: T, exc: Exception) -> None:
        self.recorder.fail(self.key(item), self.raw(item), exc)
