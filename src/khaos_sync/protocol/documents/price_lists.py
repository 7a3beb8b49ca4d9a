"""KSDXMLPriceLists: quantity-break prices returned by ExportPriceList.

The document groups breaks four ways (stock item or stock type, for one
customer or for a customer class). Each break becomes one flat
:class:`PriceBreak` that says which item/type and which customer/class it
is for.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from lxml import etree

from khaos_sync.protocol.values import Fields, expect_root
from khaos_sync.protocol.xmlsafe import parse_document

ROOT_TAG = "PriceLists"

# (container, group, break) element names of the four sections.
_SECTIONS: Final = (
    ("StockItem-Customers", "StockItem-Customer", "StockItem"),
    ("StockItem-CustomerClassificationsList", "StockItem-CustomerClassifications", "StockItem"),
    ("StockType-Customers", "StockType-Customer", "StockType"),
    ("StockType-CustomersClassificationsList", "StockType-CustomerClassifications", "StockType"),
)


@dataclass(frozen=True, slots=True)
class PriceBreak:
    stock_code: str | None
    stock_type_desc: str | None
    company_code: str | None
    company_name: str | None
    company_class: str | None
    qty_start: Decimal | None
    qty_end: Decimal | None
    amount_value: Decimal | None
    discount_value: Decimal | None
    mark_up: Decimal | None
    buy_price: Decimal | None
    sell_price: Decimal | None


def parse_price_lists(data: bytes | str) -> list[PriceBreak]:
    root = parse_document(data)
    expect_root(root, ROOT_TAG)
    breaks: list[PriceBreak] = []
    for container_tag, group_tag, break_tag in _SECTIONS:
        for container in root.iterchildren(container_tag):
            for group in container.iterchildren(group_tag):
                breaks.extend(_breaks(group, break_tag))
    return breaks


def _breaks(group: etree._Element, break_tag: str) -> list[PriceBreak]:
    owner = Fields(group)
    breaks = []
    for element in group.iterchildren(break_tag):
        fields = Fields(element)
        if not len(element):
            continue  # the published templates carry empty placeholders
        breaks.append(
            PriceBreak(
                stock_code=fields.code("StockCode"),
                stock_type_desc=fields.code("StockTypeDesc"),
                company_code=owner.attr_code("CompanyCode"),
                company_name=owner.attr_code("CompanyName"),
                company_class=owner.attr_code("CompClass"),
                qty_start=fields.as_decimal("QtyStart"),
                qty_end=fields.as_decimal("QtyEnd"),
                amount_value=fields.as_decimal("AmountValue"),
                discount_value=fields.as_decimal("DiscountValue"),
                mark_up=fields.as_decimal("MarkUp"),
                buy_price=fields.as_decimal("BuyPrice"),
                sell_price=fields.as_decimal("SellPrice"),
            )
        )
    return breaks
