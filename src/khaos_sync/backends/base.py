"""What the sync flows ask of Khaos, whatever the transport: the backend interface.

Importers, the order exporter, the checkout's live check and ``khaos-sync
check`` call a :class:`KhaosBackend`, never a SOAP operation. Each call is a
domain question ("which items changed since", "the details of these items")
answered with the typed records the mappers already take. How the question
travels (KhaosWS SOAP calls in chunks, or nothing at all because Khaos Control
Cloud pushes to the shop) is the backend's business; see ``soap.py`` and
``cloud.py``.

Chunked fetches never raise for one bad chunk: a chunk that fails is asked
again in halves down to the one code, which comes out as a :class:`FetchFailure`
with what arrived of it, so the flow keeps it as a failed item and goes on.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, Self

from khaos_sync.backends.ahead import FetchTiming
from khaos_sync.protocol.documents.customers import Company
from khaos_sync.protocol.documents.deleted import DeletedEntry
from khaos_sync.protocol.documents.order_status import OrderStatusEx
from khaos_sync.protocol.documents.orders import SalesOrder
from khaos_sync.protocol.documents.price_lists import PriceBreak
from khaos_sync.protocol.documents.stock import StockItem
from khaos_sync.protocol.documents.stock_status import ItemEntries, KnownEntries, StockStatus
from khaos_sync.protocol.documents.web_categories import WebCategories
from khaos_sync.protocol.errors import KhaosError
from khaos_sync.protocol.results import OrderImportResult, SiteList, StockListEntry

# Called once per request made to Khaos (a run counts its calls).
CallCounter = Callable[[], None]
Progress = Callable[[int], None]


class Change(enum.Enum):
    """Which date of an item a "changed since" question is about."""

    REVISED = "revised"  # the item's own data (description, prices, ...)
    MOVED = "moved"  # its stock (a movement at any site)


class TransportNotAvailable(RuntimeError):
    """The configured transport cannot answer this question (e.g. a pull on the cloud transport)."""


@dataclass(frozen=True)
class FetchFailure:
    """Codes a chunked fetch could not bring back, with what arrived of them.

    ``payload`` is Khaos's answer as far as it was read (None when nothing of
    it arrived); ``arrived`` is True when the answer came whole but could not
    be read, so the payload is all there is to know about the item.
    """

    codes: tuple[str, ...]
    payload: str | None
    error: KhaosError
    arrived: bool = False


@dataclass(frozen=True)
class CustomerChunk:
    codes: tuple[str, ...]
    companies: list[Company]


@dataclass(frozen=True)
class StatusAnswer:
    """Order statuses with the raw text of each, kept for a failed order's payload."""

    records: list[OrderStatusEx]
    raw: Callable[[int], str]


@dataclass(frozen=True)
class PriceListAnswer:
    """One Khaos price list: its breaks, and the document they came in (kept for replay)."""

    name: str
    breaks: list[PriceBreak]
    document: str


class KhaosBackend(Protocol):
    """One shop's Khaos system, as the flows see it."""

    transport: str  # "soap" or "cloud"
    # Called before each request to Khaos; a run sets it to count its calls.
    on_request: CallCounter | None

    def close(self) -> None: ...

    # The lifecycle, the same for every backend: used in a with-block, closed at its end.
    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # --- set-up ---

    def version(self) -> str: ...

    def sites(self) -> SiteList: ...

    # --- catalogue and stock ---

    def changed_items(self, since: datetime | None, change: Change) -> Iterator[StockListEntry]:
        """Items changed since ``since`` (None: every item), by ``change``, as they arrive."""
        ...

    def item_details(
        self, codes: Sequence[str], chunk_size: int, progress: Progress | None = None
    ) -> Iterator[StockItem | FetchFailure]:
        """The items of ``codes``, streamed, chunk by chunk."""
        ...

    def web_categories(self, website: str) -> WebCategories: ...

    def levels(
        self,
        codes: Sequence[str],
        chunk_size: int,
        progress: Progress | None = None,
        known: KnownEntries | None = None,
        timing: FetchTiming | None = None,
    ) -> Iterator[list[ItemEntries] | FetchFailure]:
        """Levels of ``codes`` at every site, one list of items per chunk.

        An item whose entries ``known`` recognises by their digest comes undecoded.
        """
        ...

    def live_levels(self, codes: Sequence[str]) -> list[StockStatus]:
        """Levels of a basket's items now, for the checkout (a small, quick answer)."""
        ...

    # --- orders ---

    def send_orders(self, orders: Sequence[SalesOrder]) -> OrderImportResult: ...

    def find_orders(self, refs: Sequence[str]) -> list[OrderStatusEx]:
        """Orders Khaos holds among the shop order numbers ``refs`` (cancelled included)."""
        ...

    def order_statuses(self, since: datetime, until: datetime) -> StatusAnswer:
        """Web orders Khaos changed between two moments, with tracking and items."""
        ...

    def order_statuses_of(self, refs: Sequence[str]) -> StatusAnswer: ...

    # --- customers ---

    def deleted_customers(self) -> list[DeletedEntry]: ...

    def customer_codes(self, classes: Sequence[str]) -> list[str]: ...

    def customers(
        self, codes: Sequence[str], chunk_size: int, progress: Progress | None = None
    ) -> Iterator[CustomerChunk | FetchFailure]: ...

    # --- price lists ---

    def price_list_names(self) -> list[str]: ...

    def price_list(self, name: str) -> PriceListAnswer: ...
