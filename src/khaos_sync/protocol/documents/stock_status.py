"""KSDXMLStockStatus: stock levels returned by ExportStockStatus.

With SiteID -1 Khaos reports one entry per item per stock site. The site of
an entry is taken from the entry itself when it names one (``SITE``
attribute or child), otherwise from the enclosing ``STOCK_STATUS SITE=``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import IntEnum

from lxml import etree

from khaos_sync.protocol.values import Fields, element_attr_code, expect_root
from khaos_sync.protocol.xmlsafe import (
    Source,
    iter_elements,
    iter_elements_of_pieces,
    iter_events_of_pieces,
    parse_document,
)

ROOT_TAG = "STOCK_STATUS"
ITEM_TAG = "STOCK_ITEM"


class StockStatusCode(IntEnum):
    IN_STOCK = 0
    ALL_ALLOCATED = 1
    OUT_OF_STOCK_DUE_IN = 2
    OUT_OF_STOCK_NOT_DUE = 3
    DISCONTINUED = 4
    NOT_STOCK_CONTROLLED = 5


@dataclass(frozen=True, slots=True)
class StockStatus:
    site: str | None
    stock_code: str | None
    stock_id: str | None
    other_ref: str | None
    description: str | None
    level: Decimal | None
    status: int | None
    lead_time: date | None
    safe_level: Decimal | None
    min_level: Decimal | None
    buy_price: Decimal | None
    sell_price: Decimal | None
    web_sell_price: Decimal | None
    build_potential_children: Decimal | None
    build_potential_parents: Decimal | None


def iter_stock_status(source: Source, *, max_bytes: int | None = None) -> Iterator[StockStatus]:
    """Stream the entries of an ExportStockStatus document (bytes, path or file)."""
    for element in iter_elements(source, ITEM_TAG, root=ROOT_TAG, max_bytes=max_bytes):
        yield read_stock_status(element)


def iter_stock_status_of_pieces(pieces: Iterable[bytes]) -> Iterator[StockStatus]:
    """Stream the entries of an ExportStockStatus document arriving in UTF-8 pieces."""
    for element in iter_elements_of_pieces(pieces, ITEM_TAG, root=ROOT_TAG):
        yield read_stock_status(element)


@dataclass(frozen=True, slots=True)
class ItemEntries:
    """One item's entries in an ExportStockStatus answer (one per site with SiteID -1).

    ``digest`` names the entries as Khaos wrote them, with the site the document
    gives them: an answer that repeats an earlier one for this item carries the
    same digest, so a caller holding it can leave the entries undecoded
    (``entries`` is then None).
    """

    stock_id: str | None
    stock_code: str | None
    digest: str
    entries: tuple[StockStatus, ...] | None


# (STOCK_ID, STOCK_CODE, digest) → the caller already holds what these entries say.
KnownEntries = Callable[[str | None, str | None, str], bool]


def read_item_entries_of_pieces(
    pieces: Iterable[bytes], known: KnownEntries | None = None
) -> list[ItemEntries]:
    """The items of an ExportStockStatus document arriving in pieces, each decoded unless known.

    An item's entries need not be next to each other, so the items are formed
    once the document is complete; one answer is one chunk of codes, so holding
    its tree is bounded by the chunk.
    """
    groups: dict[str, _Group] = {}
    parent, site = None, b""
    for _event, element in iter_events_of_pieces(
        pieces, (ITEM_TAG,), root=ROOT_TAG, events=("end",)
    ):
        if element.getparent() is not parent:  # the site an entry inherits, once per parent
            parent, site = element.getparent(), (_document_site(element) or "").encode()
        stock_id = element_attr_code(element, "ID")
        code = element_attr_code(element, "CODE")
        key = stock_id or code or ""  # as the stock mapper groups entries by item
        group = groups.get(key)
        if group is None:
            group = groups[key] = _Group(stock_id, code)
        group.add(element, site)
    return [group.read(known) for group in groups.values()]


class _Group:
    """One item's entries while the document arrives, with the text its digest is made of."""

    __slots__ = ("code", "elements", "stock_id", "written")

    def __init__(self, stock_id: str | None, code: str | None) -> None:
        self.stock_id, self.code = stock_id, code
        self.elements: list[etree._Element] = []
        self.written: list[bytes] = []

    def add(self, element: etree._Element, site: bytes) -> None:
        self.elements.append(element)
        # The entry as Khaos wrote it, and the document's site, which it inherits.
        self.written += (etree.tostring(element, with_tail=False), b"\0", site, b"\0")

    def read(self, known: KnownEntries | None) -> ItemEntries:
        digest = hashlib.blake2b(b"".join(self.written), digest_size=16).hexdigest()
        if known is not None and known(self.stock_id, self.code, digest):
            return ItemEntries(self.stock_id, self.code, digest, None)
        entries = tuple(read_stock_status(element) for element in self.elements)
        return ItemEntries(self.stock_id, self.code, digest, entries)


def parse_stock_status(data: bytes | str) -> list[StockStatus]:
    root = parse_document(data)
    expect_root(root, ROOT_TAG)
    return [read_stock_status(element) for element in root.iter(ITEM_TAG)]


def read_stock_status(element: etree._Element) -> StockStatus:
    fields = Fields(element)
    description = element.get("DESC")
    return StockStatus(
        site=_site(fields),
        stock_code=element_attr_code(element, "CODE"),
        stock_id=element_attr_code(element, "ID"),
        other_ref=element_attr_code(element, "OTHER_REF"),
        description=None if description is None else str(description),
        level=fields.as_decimal("LEVEL"),
        status=fields.as_int("STATUS"),
        lead_time=fields.as_date("LEAD_TIME"),
        safe_level=fields.as_decimal("SAFE_LEVEL"),
        min_level=fields.as_decimal("MIN_LEVEL"),
        buy_price=fields.as_decimal("BUY_PRICE"),
        sell_price=fields.as_decimal("SELL_PRICE"),
        web_sell_price=fields.as_decimal("WEBSELL_PRICE"),
        build_potential_children=fields.as_decimal("BUILD_POTENTIAL_CHILDREN"),
        build_potential_parents=fields.as_decimal("BUILD_POTENTIAL_PARENTS"),
    )


def _site(fields: Fields) -> str | None:
    own = element_attr_code(fields.element, "SITE") or fields.code("SITE")
    return own if own is not None else _document_site(fields.element)


def _document_site(element: etree._Element) -> str | None:
    for ancestor in element.iterancestors(ROOT_TAG):
        site = ancestor.get("SITE")
        if site is not None and site.strip():
            return str(site).strip()
    return None
