"""KSDXMLStockStatus: stock levels returned by ExportStockStatus.

With SiteID -1 Khaos reports one entry per item per stock site. The site of
an entry is taken from the entry itself when it names one (``SITE``
attribute or child), otherwise from the enclosing ``STOCK_STATUS SITE=``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
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
    if own is not None:
        return own
    for ancestor in fields.element.iterancestors(ROOT_TAG):
        site = ancestor.get("SITE")
        if site is not None and site.strip():
            return str(site).strip()
    return None
