"""KSDXMLPriceLists (ExportPriceList)."""

from __future__ import annotations

from collections.abc import Iterable

from lxml import etree

from khaos_sync.simulator.model import PriceBreak, PriceList
from khaos_sync.simulator.writers.common import document, money, plain, sub


def price_lists_document(price_lists: Iterable[PriceList], company_names: dict[str, str]) -> str:
    root = etree.Element("PriceLists")
    by_customer = sub(root, "StockItem-Customers")
    by_class = sub(root, "StockItem-CustomerClassificationsList")
    for price_list in price_lists:
        if price_list.company_code:
            group = sub(
                by_customer,
                "StockItem-Customer",
                CompanyCode=price_list.company_code,
                CompanyName=company_names.get(price_list.company_code, ""),
            )
        else:
            group = sub(
                by_class, "StockItem-CustomerClassifications", CompClass=price_list.company_class
            )
        for price_break in price_list.breaks:
            group.append(_stock_item(price_break))
    sub(root, "StockType-Customers")
    sub(root, "StockType-CustomersClassificationsList")
    return document(root)


def _stock_item(price_break: PriceBreak) -> etree._Element:
    element = etree.Element("StockItem")
    sub(element, "AmountValue", money(price_break.amount))
    sub(element, "DiscountValue", plain(price_break.discount))
    sub(element, "MarkUp", plain(price_break.markup))
    sub(element, "QtyEnd", str(price_break.qty_end))
    sub(element, "QtyStart", str(price_break.qty_start))
    sub(element, "StockCode", price_break.stock_code)
    return element
