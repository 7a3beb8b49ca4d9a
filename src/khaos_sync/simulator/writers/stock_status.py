"""KSDXMLStockStatus (ExportStockStatus): levels per item and site."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from lxml import etree

from khaos_sync.simulator.model import Item
from khaos_sync.simulator.writers.common import document, sub, unit_price


@dataclass
class StockStatusEntry:
    item: Item
    level: int
    status: int
    lead_time: str = ""
    build_potential: int | None = None


def stock_status_document(site_name: str, entries: Iterable[StockStatusEntry]) -> str:
    root = etree.Element("STOCK_STATUS", SITE=site_name)
    for entry in entries:
        root.append(_entry(entry))
    return document(root)


def _entry(entry: StockStatusEntry) -> etree._Element:
    item = entry.item
    attrib = {"CODE": item.code, "ID": str(item.stock_id)}
    if item.other_ref:
        attrib["OTHER_REF"] = item.other_ref
    attrib["DESC"] = item.description
    element = etree.Element("STOCK_ITEM", attrib)
    sub(element, "BUY_PRICE", unit_price(item.buy_price))
    sub(element, "SELL_PRICE", unit_price(item.sell_price))
    sub(element, "WEBSELL_PRICE", unit_price(item.sell_price_web))
    sub(element, "SAFE_LEVEL", str(item.safe_level))
    sub(element, "MIN_LEVEL", str(item.min_level))
    sub(element, "LEVEL", str(entry.level))
    sub(element, "STATUS", str(entry.status))
    sub(element, "LEAD_TIME", entry.lead_time)
    if entry.build_potential is not None:
        sub(element, "BUILD_POTENTIAL_CHILDREN", str(entry.build_potential))
    return element
