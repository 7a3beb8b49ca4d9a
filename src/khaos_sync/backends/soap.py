"""The KhaosWS SOAP backend: the domain questions of ``base.py`` as IKosWeb calls.

Everything that depends on how KhaosWS is called lives here: the operation
parameters (date types, mapping types, SiteID -1), Khaos's zone-less local
times, the chunked fetches that halve a failing chunk down to the one bad
code, and the counting of calls for the run log.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from datetime import date, datetime, tzinfo
from typing import TypeVar

from django.utils import timezone
from lxml import etree

from khaos_sync.backends.ahead import Arrived, Fetch, FetchAhead, FetchTiming
from khaos_sync.backends.base import (
    CallCounter,
    Change,
    CustomerChunk,
    FetchFailure,
    KhaosBackend,
    PriceListAnswer,
    Progress,
    StatusAnswer,
)
from khaos_sync.protocol.client import KhaosClient, StockStatusQuery
from khaos_sync.protocol.documents.customers import iter_customers
from khaos_sync.protocol.documents.deleted import (
    DOCUMENT_TYPE_COMPANY,
    DeletedEntry,
    parse_deleted_entries,
)
from khaos_sync.protocol.documents.order_status import OrderStatusEx, parse_order_status_ex
from khaos_sync.protocol.documents.orders import SalesOrder, build_orders
from khaos_sync.protocol.documents.price_lists import parse_price_lists
from khaos_sync.protocol.documents.sop_data import SopData, parse_sop_data
from khaos_sync.protocol.documents.stock import StockItem, iter_stock_items_of_pieces
from khaos_sync.protocol.documents.stock_status import (
    ItemEntries,
    KnownEntries,
    StockStatus,
    read_item_entries_of_pieces,
)
from khaos_sync.protocol.documents.web_categories import (
    WebCategories,
    parse_web_categories_ex2,
)
from khaos_sync.protocol.errors import (
    DocumentError,
    KhaosError,
    ProtocolError,
    TransientError,
)
from khaos_sync.protocol.results import OrderImportResult, SiteList, StockListEntry
from khaos_sync.protocol.soap.streaming import KeptText
from khaos_sync.protocol.xmlsafe import parse_document

log = logging.getLogger(__name__)

# GetStockList DateType
DATE_REVISION = 0
DATE_MOVEMENT = 2
DATE_TYPES = {Change.REVISED: DATE_REVISION, Change.MOVED: DATE_MOVEMENT}
# MappingType of ExportStock / ExportStockStatus: codes are stock codes.
STOCK_CODE = 1
# MappingType of ExportOrderStatusEx: the web order reference (the shop's order number).
BY_ASSOCIATED_REF = 4
# MappingType of ExportCompany: company codes.
COMPANY_CODE = 1
# ExportStockStatus SiteID: every site.
ALL_SITES = -1
# "Everything" for a changed-since question.
EVERYTHING_SINCE = date(1900, 1, 1)
# Orders looked up per ExportOrderStatusEx call.
LOOKUP_CHUNK = 100
# What a failed item keeps of Khaos's answer: all of an item's, the start of a huge one.
KEPT_ANSWER_BYTES = 1024 * 1024

T = TypeVar("T")


def khaos_local(moment: datetime) -> datetime:
    """Khaos keeps wall-clock time of the shop's zone, without an offset."""
    if timezone.is_naive(moment):
        return moment
    return timezone.localtime(moment).replace(tzinfo=None)


def from_khaos_local(moment: datetime, zone: tzinfo | None = None) -> datetime:
    """A time Khaos gave (the shop's wall clock, no offset) as an aware datetime.

    ``zone``: the shop's current zone, where the caller has it already (looking
    it up costs more than the conversion, for every item of a catalogue).
    """
    return timezone.make_aware(moment, zone) if timezone.is_naive(moment) else moment


class SoapBackend(KhaosBackend):
    """The shop's Khaos system reached through KhaosWS; owns one :class:`KhaosClient`."""

    transport = "soap"

    def __init__(self, client: KhaosClient) -> None:
        self.client = client
        self.on_request: CallCounter | None = None

    def close(self) -> None:
        self.client.close()

    def counted(self) -> None:
        if self.on_request is not None:
            self.on_request()

    # --- set-up ---

    def version(self) -> str:
        self.counted()
        return self.client.get_version()

    def sites(self) -> SiteList:
        self.counted()
        return self.client.get_site_list()

    def sale_sources(self) -> list[str]:
        self.counted()
        return self.client.get_sale_source()

    def company_classes(self) -> list[str]:
        self.counted()
        return self.client.get_company_class()

    def sop_data(self) -> SopData:
        self.counted()
        return parse_sop_data(self.client.get_sop_data())

    def website_categories(self, website: str) -> WebCategories:
        """The category tree of one website, by its name (ExportWebCategoriesEx2)."""
        self.counted()
        return parse_web_categories_ex2(self.client.export_web_categories_ex2(website_name=website))

    # --- catalogue and stock ---

    def changed_items(self, since: datetime | None, change: Change) -> Iterator[StockListEntry]:
        self.counted()
        # Streamed: a whole catalogue's list never sits in memory as an answer, a tree or a list.
        return self.client.iter_stock_list(
            date_type=DATE_TYPES[change],
            date_value=EVERYTHING_SINCE if since is None else khaos_local(since),
        )

    def item_details(
        self, codes: Sequence[str], chunk_size: int, progress: Progress | None = None
    ) -> Iterator[StockItem | FetchFailure]:
        """ExportStock in chunks; a chunk that fails is asked again in halves.

        A timeout, a truncated or malformed answer, or a document that cannot be
        parsed all fail only their chunk, down to the one bad code. Each answer
        is taken in while the caller writes the chunk before, and read by the
        caller: decoding items is pure Python, and done beside the writing it
        only took turns with it for the interpreter lock, at a cost in CPU.
        """
        read_later: Fetch[list[StockItem] | Arrived[list[StockItem]]] = self._stock_items
        for result in in_chunks(
            codes,
            chunk_size,
            read_later,
            halve_on=(TransientError, ProtocolError),
            progress=progress,
        ):
            if isinstance(result, FetchFailure):
                yield result
            else:
                yield from result

    def _stock_items(self, codes: list[str], kept: KeptText) -> Arrived[list[StockItem]]:
        self.counted()
        pieces = self.client.export_stock_pieces(
            stock_code=",".join(codes), mapping_type=STOCK_CODE, keep=kept
        )
        # Whole or not at all: a chunk cut half way is asked again, not half used. Not
        # taken in here: a chunk nothing fetched ahead (the first) is read as it arrives.
        return Arrived(pieces, lambda arrived: list(iter_stock_items_of_pieces(arrived)))

    def web_categories(self, website: str) -> WebCategories:
        self.counted()
        return self.client.export_web_category_tree(website=website)

    def levels(
        self,
        codes: Sequence[str],
        chunk_size: int,
        progress: Progress | None = None,
        known: KnownEntries | None = None,
        timing: FetchTiming | None = None,
    ) -> Iterator[list[ItemEntries] | FetchFailure]:
        """ExportStockStatus (every site) in chunks; failing chunks are halved.

        Each answer is taken in as it arrives and read once it has: the next
        chunk is asked for in between, so Khaos builds it while this one is read.
        """

        def fetch(chunk: list[str], kept: KeptText) -> Arrived[list[ItemEntries]]:
            self.counted()
            pieces = self.client.export_stock_status_pieces(keep=kept, **self._all_sites_of(chunk))
            # Taken in whole even when fetched by the caller: the next chunk is asked
            # for before this one is read, which is most of a chunk's work here.
            answer = Arrived(pieces, lambda arrived: read_item_entries_of_pieces(arrived, known))
            return answer.take_in()

        read_later: Fetch[list[ItemEntries] | Arrived[list[ItemEntries]]] = fetch
        return in_chunks(
            codes,
            chunk_size,
            read_later,
            halve_on=(TransientError, ProtocolError),
            progress=progress,
            timing=timing,
        )

    def live_levels(self, codes: Sequence[str]) -> list[StockStatus]:
        self.counted()
        return list(self.client.export_stock_status_entries(**self._all_sites_of(codes)))

    @staticmethod
    def _all_sites_of(codes: Sequence[str]) -> StockStatusQuery:
        return {"stock_code": ",".join(codes), "mapping_type": STOCK_CODE, "site_id": ALL_SITES}

    # --- orders ---

    def send_orders(self, orders: Sequence[SalesOrder]) -> OrderImportResult:
        self.counted()
        return self.client.import_orders(orders=build_orders(orders).decode("utf-8"))

    def find_orders(self, refs: Sequence[str]) -> list[OrderStatusEx]:
        found: list[OrderStatusEx] = []
        for start in range(0, len(refs), LOOKUP_CHUNK):
            chunk = refs[start : start + LOOKUP_CHUNK]
            self.counted()
            document = self.client.export_order_status_ex(
                ids=",".join(chunk),
                mapping_type=BY_ASSOCIATED_REF,
                include_cancelled=True,
                include_tracking=False,
                show_items=False,
            )
            found += parse_order_status_ex(document)
        return found

    def order_statuses(self, since: datetime, until: datetime) -> StatusAnswer:
        return self._statuses(
            date_from=khaos_local(since).replace(microsecond=0),
            date_to=khaos_local(until).replace(microsecond=0),
        )

    def order_statuses_of(self, refs: Sequence[str]) -> StatusAnswer:
        return self._statuses(ids=",".join(refs), mapping_type=BY_ASSOCIATED_REF)

    def _statuses(self, **query: object) -> StatusAnswer:
        self.counted()
        document = self.client.export_order_status_ex(
            web_only=True,
            include_tracking=True,
            include_cancelled=True,
            show_items=True,
            **query,  # type: ignore[arg-type]
        )
        return StatusAnswer(
            parse_order_status_ex(document), lambda index: raw_status(document, index)
        )

    # --- price lists ---

    def price_list_names(self) -> list[str]:
        self.counted()
        return [name for name in self.client.get_price_lists() if name.strip()]

    def price_list(self, name: str) -> PriceListAnswer:
        # ExportPriceListEx (changed since) is not used: whether its answer says which
        # breaks were removed is not documented, and a list is small (see docs/price-lists.md).
        self.counted()
        document = self.client.export_price_list(price_list=name)
        return PriceListAnswer(name, parse_price_lists(document), document)

    # --- customers ---

    def deleted_customers(self) -> list[DeletedEntry]:
        self.counted()
        document = self.client.get_deleted_entries(document_type=DOCUMENT_TYPE_COMPANY)
        return parse_deleted_entries(document)

    def customer_codes(self, classes: Sequence[str]) -> list[str]:
        self.counted()
        listing = self.client.get_company_list(company_class_list=",".join(classes) or None)
        return list(dict.fromkeys(e.company_code for e in listing.entries if e.company_code))

    def customers(
        self, codes: Sequence[str], chunk_size: int, progress: Progress | None = None
    ) -> Iterator[CustomerChunk | FetchFailure]:
        """ExportCompany in chunks; a chunk that times out is asked for in halves.

        A refusal or an unreadable answer fails its whole chunk at once: asking
        again now would fail again, so a person retries it later.
        """
        return in_chunks(
            codes,
            chunk_size,
            self._customers,
            halve_on=(TransientError,),
            keep_on=(KhaosError,),
            progress=progress,
        )

    def _customers(self, codes: list[str], kept: KeptText) -> CustomerChunk | FetchFailure:
        self.counted()
        document = self.client.export_company(
            company_code=",".join(codes), mapping_type=COMPANY_CODE
        )
        try:
            companies = list(iter_customers(document.encode("utf-8")))
        except KhaosError as exc:
            # The raw document is kept so it can be inspected and replayed.
            return FetchFailure(tuple(codes), document, exc, arrived=True)
        return CustomerChunk(tuple(codes), companies)


def in_chunks(
    codes: Sequence[str],
    size: int,
    fetch: Callable[[list[str], KeptText], T | Arrived[T]],
    *,
    halve_on: tuple[type[KhaosError], ...],
    keep_on: tuple[type[KhaosError], ...] = (),
    progress: Progress | None = None,
    timing: FetchTiming | None = None,
) -> Iterator[T | FetchFailure]:
    """``fetch`` for ``codes`` in chunks of ``size``.

    A chunk failing with a ``halve_on`` error is asked again in two halves,
    down to one code, which is then given back as a FetchFailure; one failing
    with a ``keep_on`` error is given back whole at once. Other errors are
    raised: they concern every chunk alike (a refusal of the call itself).
    ``timing`` gathers the time spent waiting for answers and reading them.
    """
    timing = timing or FetchTiming()
    pending = [list(codes[i : i + size]) for i in range(0, len(codes), size)]
    with FetchAhead(fetch, kept_for) as ahead:
        while pending:
            chunk = pending.pop(0)
            kept, answer = ahead.take(chunk)
            try:
                with timing.clocked("waiting"):
                    result = answer()
                if isinstance(result, Arrived):
                    if pending and result.whole:
                        ahead.start(pending[0])  # Khaos builds it while this chunk is read
                    with timing.clocked("reading"):
                        result = result.read()
            except halve_on + keep_on as exc:
                ahead.drop()  # asked for ahead of the halves that now come first
                if isinstance(exc, halve_on) and len(chunk) > 1:
                    half = len(chunk) // 2
                    pending[:0] = [chunk[:half], chunk[half:]]
                    log.info("export chunk halved", extra={"size": half, "error": str(exc)})
                    continue
                payload = kept.text() if kept.data else None
                arrived = isinstance(exc, DocumentError) and payload is not None
                yield FetchFailure(tuple(chunk), payload, exc, arrived)
                continue
            if pending and not ahead.started_for(pending[0]):
                ahead.start(pending[0])  # Khaos builds it while this chunk is written
            yield result
            if progress:
                progress(len(chunk))


def kept_for(chunk: list[str]) -> KeptText:
    # Only a single code's answer is kept: a chunk's would describe many items.
    return KeptText(KEPT_ANSWER_BYTES if len(chunk) == 1 else 0)


def raw_status(document: str, index: int) -> str:
    """The ``index``-th ORDER_STATUS as Khaos sent it (parsed again only when something failed)."""
    try:
        element = list(parse_document(document).iterchildren("ORDER_STATUS"))[index]
    except (DocumentError, IndexError):
        return document
    return etree.tostring(element, encoding="unicode")
