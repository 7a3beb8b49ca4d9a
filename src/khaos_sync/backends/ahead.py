"""Fetching the next chunk of codes while the caller works on this one.

Khaos takes its time to build each export answer, and the sync takes its time
to map and write the chunk it has. Done one after the other, a run waits for
both; asking for the next chunk as soon as one is handed over lets the two
overlap. Only one request is ever in flight, in the same order as before, so
Khaos sees the same calls: the answer is simply waiting when it is wanted.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from types import TracebackType
from typing import Generic, TypeVar

from khaos_sync.protocol.soap.streaming import KeptText

T = TypeVar("T")

Fetch = Callable[[list[str], KeptText], T]


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
        self.ahead = (chunk, kept, self.executor.submit(self.fetch, chunk, kept))

    def take(self, chunk: list[str]) -> tuple[KeptText, Callable[[], T]]:
        """What keeps ``chunk``'s first bytes, and its answer (raising as ``fetch`` would)."""
        ahead, self.ahead = self.ahead, None
        if ahead is not None and ahead[0] is chunk:
            return ahead[1], ahead[2].result
        kept = self.kept_for(chunk)
        return kept, lambda: self.fetch(chunk, kept)
