"""Fetching the next chunk of codes while the caller works on this one.

Khaos takes its time to build each export answer, and the sync takes its time
to map and write the chunk it has. Done one after the other, a run waits for
both; asking for the next chunk as soon as one is handed over lets the two
overlap. Only one request is ever in flight, in the same order as before, so
Khaos sees the same calls: the answer is simply waiting when it is wanted.

A fetch may also hand over an answer to be read by the caller (:class:`Arrived`).
One fetched ahead has arrived by then (the fetching thread took it in), so the
next chunk is asked for before this one is read, and reading it overlaps Khaos
building the next; the thread only waits for the network, and the reading,
which is Python work, does not take turns with the caller's for the
interpreter lock.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from types import TracebackType
from typing import Generic, Literal, TypeVar

from khaos_sync.protocol.soap.streaming import KeptText

T = TypeVar("T")

Fetch = Callable[[list[str], KeptText], T]

# An answer larger than this is read while the rest arrives, not held first.
ARRIVED_LIMIT = 16 * 1024 * 1024


@dataclass
class FetchTiming:
    """Where a chunked fetch's time went, for the run log: waiting for Khaos, or reading."""

    waiting: float = 0.0
    reading: float = 0.0

    @contextmanager
    def clocked(self, part: Literal["waiting", "reading"]) -> Iterator[None]:
        """Add the time the block takes (raising or not) to ``part``."""
        started = time.perf_counter()
        try:
            yield
        finally:
            setattr(self, part, getattr(self, part) + time.perf_counter() - started)


class Arrived(Generic[T]):
    """An answer whose pieces arrive (all, or the first ``limit`` bytes) before it is read.

    The pieces are taken in by :meth:`take_in`: the fetching thread does so for
    an answer fetched ahead, and a fetch may do so itself. An answer the caller
    fetches itself and that was not taken in is read while it arrives: nothing
    else would overlap it.
    """

    def __init__(
        self,
        pieces: Iterator[bytes],
        read: Callable[[Iterable[bytes]], T],
        limit: int = ARRIVED_LIMIT,
    ) -> None:
        self.taken: list[bytes] = []
        self.rest: Iterator[bytes] | None = pieces
        self.limit = limit
        self._read = read

    def take_in(self) -> Arrived[T]:
        """Hold the pieces as they arrive, up to ``limit`` bytes; the rest is read while it does."""
        if self.rest is None or self.taken:  # over, or taken in up to the limit already
            return self
        size = 0
        for piece in self.rest:
            self.taken.append(piece)
            size += len(piece)
            if size > self.limit:
                return self  # still arriving: read while it does
        self.rest = None
        return self

    @property
    def whole(self) -> bool:
        """The request is over: the next one may be sent before this answer is read."""
        return self.rest is None

    def read(self) -> T:
        taken, self.taken = self.taken, []
        rest, self.rest = self.rest, None
        return self._read(itertools.chain(taken, rest or ()))


class FetchAhead(Generic[T]):
    """One background fetch at a time, handed over by :meth:`take` for the chunk it was for.

    Use as a context manager: leaving it waits for a fetch still running (it is
    bounded by the client's timeout) and drops its answer.
    """

    def __init__(self, fetch: Fetch[T], kept_for: Callable[[list[str]], KeptText]) -> None:
        self.fetch = fetch
        self.kept_for = kept_for
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="khaos-fetch-ahead")
        self.ahead: tuple[list[str], KeptText, Future[T]] | None = None

    def __enter__(self) -> FetchAhead[T]:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.executor.shutdown(wait=True, cancel_futures=True)

    def start(self, chunk: list[str]) -> None:
        """Ask for ``chunk`` now, in the background."""
        kept = self.kept_for(chunk)
        self.ahead = (chunk, kept, self.executor.submit(self._fetch_ahead, chunk, kept))

    def _fetch_ahead(self, chunk: list[str], kept: KeptText) -> T:
        answer = self.fetch(chunk, kept)
        if isinstance(answer, Arrived):
            answer.take_in()  # here, not in the caller's thread
        return answer

    def drop(self) -> None:
        """Forget the fetch started ahead, once it is over (one request in flight)."""
        ahead, self.ahead = self.ahead, None
        if ahead is not None and not ahead[2].cancel():
            ahead[2].exception()  # waits; neither its answer nor its error is wanted

    def started_for(self, chunk: list[str]) -> bool:
        return self.ahead is not None and self.ahead[0] is chunk

    def take(self, chunk: list[str]) -> tuple[KeptText, Callable[[], T]]:
        """What keeps ``chunk``'s first bytes, and its answer (raising as ``fetch`` would)."""
        ahead, self.ahead = self.ahead, None
        if ahead is not None and ahead[0] is chunk:
            return ahead[1], ahead[2].result
        kept = self.kept_for(chunk)
        return kept, lambda: self.fetch(chunk, kept)
