"""KSDXMLStock (ExportStock): the product feed."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from lxml import etree

from khaos_sync.simulator.model import Item, Uda
from khaos_sync.simulator.writers.common import document, flag, plain, sub, sub_cdata, unit_price

TYPE_TAGS = ("STOCK_TTYPE", "STOCK_TYPE", "STOCK_MID_TYPE", "STOCK_SUB_TYPE")


@dataclass
class StockContext:
    """What the writer needs beyond the item itself."""

    codes: Mapping[int, str] = field(default_factory=dict)
    children: Mapping[int, list[Item]] = field(default_factory=dict)


def stock_document(items: Iterable[Item], context: StockContext) -> str:
    root = etree.Element("STOCK_ITEMS")
    for item in items:
        root.append(stock_item(item, context))
    return document(root, bom=True)


def stock_item(item: Item, context: StockContext) -> etree._Element:
    element = etree.Element("STOCK_ITEM")
    _identity(element, item)
    _prices(element, item, with_is_net=True)
    sub(element, "IMAGE_FILENAME", item.image_filename)
    sub(element, "VAT_RATE", plain(item.vat_rate))
    _country_rates(element, item)
    _stock_types(element, item)
    sub(element, "STOCK_ID", str(item.stock_id))
    sub_cdata(element, "MANUFACTURER", item.manufacturer)
    preferred = next((ref.code for ref in item.supplier_refs if ref.preferred), "")
    sub(element, "SUPPLIER_STOCK_CODE", preferred)
    sub(element, "LEAD_TIME", str(item.lead_time_days) if item.lead_time_days else "")
    for tag in ("WEIGHT", "HEIGHT", "WIDTH", "DEPTH"):
        sub(element, tag, getattr(item, tag.lower()))
    _flags(element, item)
    _web_texts(element, item)
    sub(element, "LAUNCH_DATE", item.launched.date().isoformat())
    sub(element, "LAUNCH_TIME", item.launched.time().isoformat(timespec="seconds"))
    sub(element, "MIN_LEVEL", str(item.min_level))
    sub(element, "SAFE_LEVEL", str(item.safe_level))
    sub(element, "SALES_MULTIPLE", str(item.sales_multiple) if item.sales_multiple else "")
    for tag, value in item.extra.items():
        sub(element, tag, value)
    sub(element, "STOCK_OPTION", flag(item.run_to_zero), NAME="Run To Zero")
    for name, enabled in item.options.items():
        sub(element, "OPTION", flag(enabled), NAME=name)
    _udas(element, item.udas, typed=True)
    _barcodes(element, item)
    _images(element, item)
    _links(element, item, context)
    _supplier_refs(element, item)
    children = context.children.get(item.stock_id)
    if item.kind == "scs_parent" and children is not None:
        element.append(scs_element(item, children, context))
    return element


def _identity(element: etree._Element, item: Item) -> None:
    sub(element, "STOCK_CODE", item.code)
    sub(element, "ASSOCIATED_REF", item.other_ref)
    sub_cdata(element, "STOCK_DESC", item.description)
    sub_cdata(element, "LONG_DESC", item.long_desc)
    sub_cdata(element, "WEB_TEASER", item.web_teaser)


def _prices(element: etree._Element, item: Item, *, with_is_net: bool) -> None:
    attrib = {"IS_NET": flag(item.is_net)} if with_is_net else {}
    sub(element, "BUY_PRICE", unit_price(item.buy_price), **attrib)
    sub(element, "SELL_PRICE", unit_price(item.sell_price), **attrib)
    sub(element, "SELL_PRICE_WEB", unit_price(item.sell_price_web) if item.sell_price_web else "0")


def _country_rates(element: etree._Element, item: Item) -> None:
    rates = sub(element, "COUNTRY_RATES")
    sub(
        rates,
        "COUNTRY_RATE",
        plain(item.vat_rate),
        COUNTRY_CODE="GB",
        COUNTRY_NAME="United Kingdom",
    )


def _stock_types(element: etree._Element, item: Item) -> None:
    for level, tag in enumerate(TYPE_TAGS):
        name = item.stock_types[level] if level < len(item.stock_types) else ""
        sub_cdata(element, tag, name, EPOS_DESC=name[:10])
        sub(element, f"{tag}_ID", str(100 + level * 50 + sum(map(ord, name)) % 50) if name else "")


def _flags(element: etree._Element, item: Item) -> None:
    sub(element, "DELETED", flag(item.deleted))
    sub(element, "WEB", flag(item.web))
    sub(element, "DISCONTINUED", flag(item.discontinued))
    sub(element, "DISCOUNTS_DISABLED", flag(item.discounts_disabled))
    sub(element, "RUN_TO_ZERO", flag(item.run_to_zero))
    sub(element, "DROP_SHIP", flag(item.drop_ship))
    sub(element, "STOCK_CONTROLLED", flag(item.stock_controlled))
    sub(element, "VAT_RELIEF_QUALIFIED", flag(item.vat_relief))


def _web_texts(element: etree._Element, item: Item) -> None:
    sub_cdata(element, "META_TITLE", item.meta_title)
    sub_cdata(element, "META_DESCRIPTION", item.meta_description)
    sub_cdata(element, "META_KEYWORDS", item.meta_keywords)
    sub_cdata(element, "AVAILABILITY", item.availability)
    sub(element, "MAX_DISPLAY_QTY", str(item.max_display_qty))


def _udas(element: etree._Element, udas: list[Uda], *, typed: bool) -> None:
    for uda in udas:
        attrib = {"NAME": uda.name}
        if typed:
            attrib["TYPE"] = uda.type
        if uda.index:
            attrib["INDEX"] = uda.index
        if uda.type in {"TEXT", "LIST", "CHOICE"}:
            sub_cdata(element, "USER_DEFINED", uda.value, **attrib)
        else:
            sub(element, "USER_DEFINED", uda.value, **attrib)


def _barcodes(element: etree._Element, item: Item) -> None:
    if not item.barcodes:
        return
    barcodes = sub(element, "BARCODES")
    for desc, value in item.barcodes:
        sub(barcodes, "BARCODE", value, DESC=desc)


def _images(element: etree._Element, item: Item) -> None:
    if not item.images:
        return
    images = sub(element, "STOCK_IMAGES")
    for image in item.images:
        entry = sub(images, "STOCK_IMAGE")
        sub_cdata(entry, "IMAGE_NAME", image.name)
        sub_cdata(entry, "IMAGE_DESC", image.desc)
        sub_cdata(entry, "FILE_NAME", image.file_name)
        sub(entry, "IMAGE_TYPE", image.type)


def _links(element: etree._Element, item: Item, context: StockContext) -> None:
    links = [link for link in item.links if link.target_id in context.codes]
    if not links:
        return
    linked = sub(element, "LINKED_ITEMS")
    for link in links:
        entry = sub(linked, "LINK_ITEM")
        sub(entry, "STOCK_CODE", context.codes[link.target_id])
        sub(entry, "LINK_TYPE", str(link.link_type))
        sub(entry, "LINK_VALUE", link.value)
        sub(entry, "AUTO_ADD", flag(link.auto_add))


def _supplier_refs(element: etree._Element, item: Item) -> None:
    if not item.supplier_refs:
        return
    refs = sub(element, "SUPPLIER_STOCK_CODES")
    for ref in item.supplier_refs:
        sub(
            refs,
            "SUPPLIER_REF",
            ref.code,
            IS_PREFERRED=flag(ref.preferred),
            SUPPLIER_NAME=ref.supplier_name,
            SUPPLIER_URN=ref.supplier_urn,
            DISCOUNT="0.00",
            PURCHASE_COST=ref.cost,
            REORDER_QTY="0.00",
            QTY_AVAIL="0.00",
        )


# SCS -----------------------------------------------------------------------------


def scs_element(parent: Item, children: list[Item], context: StockContext) -> etree._Element:
    """The SCS template: nested STYLEs, then the HEADINGs (real exports put them last)."""
    scs = etree.Element("SCS")
    styles: dict[tuple[str, ...], etree._Element] = {}
    for child in children:
        container = scs
        path: tuple[str, ...] = ()
        for style in child.scs_path:
            path = (*path, style.suffix)
            if path not in styles:
                styles[path] = _style(container, style.description, style.suffix)
            container = styles[path]
        container.append(scs_item(child, context))
    for level, heading in enumerate(parent.scs_headings, start=1):
        sub(scs, "HEADING", heading, LEVEL=str(level))
    return scs


def _style(container: etree._Element, description: str, suffix: str) -> etree._Element:
    style = sub(container, "STYLE")
    sub_cdata(style, "DESCRIPTION", description)
    sub(style, "SCS_CODE_SUFFIX", suffix)
    return style


def scs_item(child: Item, context: StockContext) -> etree._Element:
    element = etree.Element("SCS_ITEM")
    sub(element, "STOCK_CODE", child.code)
    sub(element, "ASSOCIATED_REF", child.other_ref)
    sub_cdata(element, "DESCRIPTION", child.description)
    sub(element, "WEIGHT", child.weight)
    _prices(element, child, with_is_net=False)
    sub(element, "STOCK_ID", str(child.stock_id))
    sub_cdata(element, "LONG_DESC", child.long_desc)
    sub_cdata(element, "WEB_TEASER", child.web_teaser)
    sub(element, "LAUNCH_DATE", child.launched.date().isoformat())
    sub(element, "LAUNCH_TIME", child.launched.time().isoformat(timespec="seconds"))
    sub(element, "LEAD_TIME", str(child.lead_time_days) if child.lead_time_days else "")
    sub(element, "IMAGE_FILENAME", child.image_filename)
    _flags(element, child)
    sub_cdata(element, "AVAILABILITY", child.availability)
    sub(element, "MIN_LEVEL", str(child.min_level))
    sub(element, "SAFE_LEVEL", str(child.safe_level))
    sub(element, "SALES_MULTIPLE", str(child.sales_multiple) if child.sales_multiple else "")
    sub(element, "MAX_DISPLAY_QTY", str(child.max_display_qty))
    sub(element, "VAT_RATE", plain(child.vat_rate))
    _links(element, child, context)
    _images(element, child)
    _barcodes(element, child)
    _udas(element, child.udas, typed=False)
    return element
