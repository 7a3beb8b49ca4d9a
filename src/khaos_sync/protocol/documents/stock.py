"""KSDXMLStock: the product feed returned by ExportStock.

A full export can be hundreds of megabytes, so :func:`iter_stock_items`
streams it one ``STOCK_ITEM`` at a time. SCS (size/colour/style) parents carry
their children inside ``SCS``; each child comes back as an :class:`ScsChild`
with the option values of the ``STYLE`` path that contains it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import IntEnum
from typing import Any, Final

from lxml import etree

from khaos_sync.protocol.errors import DocumentError
from khaos_sync.protocol.values import (
    Fields,
    element_attr_bool,
    element_attr_code,
    element_attr_decimal,
    element_attr_int,
    element_code,
    element_text,
    expect_root,
    parse_bool,
    parse_datetime,
    parse_decimal,
    parse_int,
    parse_time,
    split_list_value,
)
from khaos_sync.protocol.xmlsafe import (
    Source,
    iter_elements,
    iter_elements_of_pieces,
    parse_document,
)

ROOT_TAG = "STOCK_ITEMS"
ITEM_TAG = "STOCK_ITEM"

# A feed repeats the same type levels, UDAs and options item after item.
# These records are frozen, so one instance per distinct source serves every
# item that has it; each memo stops growing at its limit.
_MEMO_LIMIT: Final = 4096
_SHARED_TEXT_LIMIT: Final = 200


class LinkType(IntEnum):
    UPSELL = 1
    CROSS_SELL = 2
    PACK = 3
    ASSOCIATED = 4


class UdaType:
    """Values of ``USER_DEFINED/@TYPE``."""

    TEXT = "TEXT"
    DATE = "DATE"
    YES_NO = "YES/NO"
    NUMBER = "NUMBER"
    LIST = "LIST"
    CHOICE = "CHOICE"


@dataclass(frozen=True, slots=True)
class StockTypeLevel:
    """One of the four back-office classification levels of an item."""

    name: str | None
    id: str | None
    epos_desc: str | None


@dataclass(frozen=True, slots=True)
class CountryRate:
    country_code: str | None
    country_name: str | None
    rate: Decimal | None


@dataclass(frozen=True, slots=True)
class Uda:
    """A user defined attribute. ``value`` is the text as exported."""

    name: str
    type: str | None
    value: str
    list_values: tuple[str, ...] = ()
    choice_index: int | None = None

    @property
    def is_blank(self) -> bool:
        return not self.value.strip()

    def as_bool(self) -> bool | None:
        return parse_bool(self.value, where=f"USER_DEFINED[{self.name}]")

    def as_decimal(self) -> Decimal | None:
        return parse_decimal(self.value, where=f"USER_DEFINED[{self.name}]")

    def as_datetime(self) -> datetime | None:
        return parse_datetime(self.value, where=f"USER_DEFINED[{self.name}]")


@dataclass(frozen=True, slots=True)
class StockOption:
    """A user defined stock option (``OPTION NAME=``)."""

    name: str
    value: bool | None


@dataclass(frozen=True, slots=True)
class Barcode:
    desc: str | None
    value: str


@dataclass(frozen=True, slots=True)
class StockImage:
    """An image record. ``file_name`` is a path on the retailer's own network."""

    name: str | None
    desc: str | None
    file_name: str | None
    image_type: str | None


@dataclass(frozen=True, slots=True)
class LinkedItem:
    """``LINK_ITEM``. For packs ``value`` is the quantity of this child in the pack."""

    stock_code: str
    link_type: int | None
    value: Decimal | None
    auto_add: bool | None


@dataclass(frozen=True, slots=True)
class SupplierRef:
    code: str | None
    supplier_urn: str | None
    supplier_name: str | None
    is_preferred: bool | None
    purchase_cost: Decimal | None


@dataclass(frozen=True, slots=True)
class ScsHeading:
    level: int
    name: str


@dataclass(frozen=True, slots=True)
class ScsChild:
    """An SCS child item with the option values of the STYLE path that holds it."""

    item: StockItem
    # (heading name, STYLE DESCRIPTION), outermost level first.
    options: tuple[tuple[str, str], ...]
    # SCS_CODE_SUFFIX of each STYLE on the path, aligned with ``options``
    # ("" where a level has none).
    code_suffixes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Scs:
    headings: tuple[ScsHeading, ...]
    children: tuple[ScsChild, ...]


@dataclass(frozen=True, slots=True)
class StockItem:
    stock_id: str | None
    stock_code: str | None
    associated_ref: str | None
    stock_desc: str | None
    long_desc: str | None
    web_teaser: str | None
    sell_price: Decimal | None
    sell_price_is_net: bool | None
    buy_price: Decimal | None
    buy_price_is_net: bool | None
    sell_price_web: Decimal | None
    vat_rate: Decimal | None
    country_rates: tuple[CountryRate, ...]
    stock_ttype: StockTypeLevel
    stock_type: StockTypeLevel
    stock_mid_type: StockTypeLevel
    stock_sub_type: StockTypeLevel
    web: bool | None
    discontinued: bool | None
    deleted: bool | None
    run_to_zero: bool | None
    stock_controlled: bool | None
    drop_ship: bool | None
    discounts_disabled: bool | None
    vat_relief_qualified: bool | None
    sales_multiple: Decimal | None
    max_display_qty: int | None
    availability: str | None
    meta_title: str | None
    meta_description: str | None
    meta_keywords: str | None
    weight: Decimal | None
    height: Decimal | None
    width: Decimal | None
    depth: Decimal | None
    manufacturer: str | None
    lead_time: int | None
    launch_date: datetime | None
    min_level: Decimal | None
    safe_level: Decimal | None
    supplier_stock_code: str | None
    image_filename: str | None
    udas: tuple[Uda, ...]
    options: tuple[StockOption, ...]
    barcodes: tuple[Barcode, ...]
    images: tuple[StockImage, ...]
    linked_items: tuple[LinkedItem, ...]
    supplier_refs: tuple[SupplierRef, ...]
    scs: Scs | None

    @property
    def web_price(self) -> Decimal | None:
        """``SELL_PRICE_WEB`` where it is positive (0 means "not set"), else ``SELL_PRICE``."""
        if self.sell_price_web is not None and self.sell_price_web > 0:
            return self.sell_price_web
        return self.sell_price

    @property
    def is_scs_parent(self) -> bool:
        return self.scs is not None and bool(self.scs.children)


def iter_stock_items(source: Source, *, max_bytes: int | None = None) -> Iterator[StockItem]:
    """Stream the items of an ExportStock document (bytes, path or binary file)."""
    return stock_items_in(iter_elements(source, ITEM_TAG, root=ROOT_TAG, max_bytes=max_bytes))


def iter_stock_items_of_pieces(pieces: Iterable[bytes]) -> Iterator[StockItem]:
    """Stream the items of an ExportStock document arriving in UTF-8 pieces (a SOAP answer)."""
    return stock_items_in(iter_elements_of_pieces(pieces, ITEM_TAG, root=ROOT_TAG))


def stock_items_in(elements: Iterable[etree._Element]) -> Iterator[StockItem]:
    for element in elements:
        parent = element.getparent()
        # Only top-level items: SCS children are read with their parent.
        if parent is not None and parent.tag == ROOT_TAG:
            yield read_stock_item(element)


def parse_stock(data: bytes | str) -> list[StockItem]:
    """Parse a whole ExportStock document held in memory."""
    root = parse_document(data)
    expect_root(root, ROOT_TAG)
    return [read_stock_item(element) for element in root.iterchildren(ITEM_TAG)]


def read_stock_item(element: etree._Element) -> StockItem:
    fields = Fields(element)
    try:
        return _read_item(fields, inherited_is_net=None)
    except DocumentError as exc:
        code = fields.code("STOCK_CODE") or fields.code("STOCK_ID") or "?"
        raise DocumentError(f"stock item {code}: {exc}") from exc


def _read_item(fields: Fields, *, inherited_is_net: bool | None) -> StockItem:
    sell_price_is_net = _is_net(fields, "SELL_PRICE")
    if sell_price_is_net is None:
        sell_price_is_net = inherited_is_net
    buy_price_is_net = _is_net(fields, "BUY_PRICE")
    if buy_price_is_net is None:
        buy_price_is_net = inherited_is_net
    return StockItem(
        stock_id=fields.code("STOCK_ID"),
        stock_code=fields.code("STOCK_CODE"),
        associated_ref=fields.code("ASSOCIATED_REF"),
        stock_desc=_first_text(fields, "STOCK_DESC", "DESCRIPTION"),
        long_desc=fields.text("LONG_DESC"),
        web_teaser=fields.text("WEB_TEASER"),
        sell_price=fields.as_decimal("SELL_PRICE"),
        sell_price_is_net=sell_price_is_net,
        buy_price=fields.as_decimal("BUY_PRICE"),
        buy_price_is_net=buy_price_is_net,
        sell_price_web=fields.as_decimal("SELL_PRICE_WEB"),
        vat_rate=fields.as_decimal("VAT_RATE"),
        country_rates=_country_rates(fields),
        stock_ttype=_type_level(fields, "STOCK_TTYPE", "STOCK_TTYPE_ID"),
        stock_type=_type_level(fields, "STOCK_TYPE", "STOCK_TYPE_ID"),
        stock_mid_type=_type_level(fields, "STOCK_MID_TYPE", "STOCK_MID_TYPE_ID"),
        stock_sub_type=_sub_type_level(fields),
        web=fields.as_bool("WEB"),
        discontinued=fields.as_bool("DISCONTINUED"),
        deleted=fields.as_bool("DELETED"),
        run_to_zero=fields.as_bool("RUN_TO_ZERO"),
        stock_controlled=fields.as_bool("STOCK_CONTROLLED"),
        drop_ship=fields.as_bool("DROP_SHIP"),
        discounts_disabled=fields.as_bool("DISCOUNTS_DISABLED"),
        vat_relief_qualified=fields.as_bool("VAT_RELIEF_QUALIFIED"),
        sales_multiple=fields.as_decimal("SALES_MULTIPLE"),
        max_display_qty=fields.as_int("MAX_DISPLAY_QTY"),
        availability=fields.text("AVAILABILITY"),
        meta_title=fields.text("META_TITLE"),
        meta_description=fields.text("META_DESCRIPTION"),
        meta_keywords=fields.text("META_KEYWORDS"),
        weight=fields.as_decimal("WEIGHT"),
        height=fields.as_decimal("HEIGHT"),
        width=fields.as_decimal("WIDTH"),
        depth=fields.as_decimal("DEPTH"),
        manufacturer=fields.code("MANUFACTURER"),
        lead_time=fields.as_int("LEAD_TIME"),
        launch_date=_launch(fields),
        min_level=fields.as_decimal("MIN_LEVEL"),
        safe_level=fields.as_decimal("SAFE_LEVEL"),
        supplier_stock_code=fields.code("SUPPLIER_STOCK_CODE"),
        image_filename=_image_filename(fields),
        udas=tuple(_uda(element) for element in fields.children("USER_DEFINED")),
        options=tuple(_option(element) for element in fields.children("OPTION")),
        barcodes=_barcodes(fields),
        images=_images(fields),
        linked_items=_linked_items(fields),
        supplier_refs=_supplier_refs(fields),
        scs=_scs(fields, sell_price_is_net),
    )


def _is_net(fields: Fields, tag: str) -> bool | None:
    price = fields.child(tag)
    return None if price is None else element_attr_bool(price, "IS_NET")


def _first_text(fields: Fields, *tags: str) -> str | None:
    for tag in tags:
        value = fields.text(tag)
        if value is not None:
            return value
    return None


_LevelParts = tuple[str | None, str | None, str | None]
_LEVELS: dict[_LevelParts, StockTypeLevel] = {}


def _type_level(fields: Fields, tag: str, id_tag: str) -> StockTypeLevel:
    return _shared_level(_level_parts(fields, tag, id_tag))


def _sub_type_level(fields: Fields) -> StockTypeLevel:
    # SUB_TYPE duplicates STOCK_SUB_TYPE; SCS children carry only SUB_TYPE_ID.
    name, level_id, epos_desc = _level_parts(fields, "STOCK_SUB_TYPE", "STOCK_SUB_TYPE_ID")
    fallback_name, fallback_id, fallback_epos_desc = _level_parts(fields, "SUB_TYPE", "SUB_TYPE_ID")
    return _shared_level(
        (name or fallback_name, level_id or fallback_id, epos_desc or fallback_epos_desc)
    )


def _level_parts(fields: Fields, tag: str, id_tag: str) -> _LevelParts:
    """(name, id, EPOS_DESC) of a classification level."""
    element = fields.child(tag)
    if element is None:
        return (None, fields.code(id_tag), None)
    return (element_code(element), fields.code(id_tag), element_attr_code(element, "EPOS_DESC"))


def _shared_level(parts: _LevelParts) -> StockTypeLevel:
    level = _LEVELS.get(parts)
    if level is None:
        level = StockTypeLevel(name=parts[0], id=parts[1], epos_desc=parts[2])
        _remember(_LEVELS, parts, level)
    return level


def _remember(memo: dict[Any, Any], key: object, value: object) -> None:
    if len(memo) < _MEMO_LIMIT:
        memo[key] = value


def _country_rates(fields: Fields) -> tuple[CountryRate, ...]:
    container = fields.child("COUNTRY_RATES")
    if container is None:
        return ()
    rates = []
    for element in container.iterchildren("COUNTRY_RATE"):
        code = element_attr_code(element, "COUNTRY_CODE")
        value = parse_decimal(element.text, where="COUNTRY_RATE")
        if code is None and value is None:
            continue
        rates.append(CountryRate(code, element_attr_code(element, "COUNTRY_NAME"), value))
    return tuple(rates)


def _launch(fields: Fields) -> datetime | None:
    launch = fields.as_datetime("LAUNCH_DATE")
    if launch is None:
        return None
    launch_time = parse_time(fields.text("LAUNCH_TIME"), where="STOCK_ITEM/LAUNCH_TIME")
    return launch if launch_time is None else datetime.combine(launch.date(), launch_time)


def _image_filename(fields: Fields) -> str | None:
    value = fields.code("IMAGE_FILENAME")
    return None if value == "?" else value


_UDAS: dict[tuple[str | None, ...], Uda] = {}
_OPTIONS: dict[tuple[str | None, str | None], StockOption] = {}


def _uda(element: etree._Element) -> Uda:
    text = element.text
    if text is not None and len(text) > _SHARED_TEXT_LIMIT:
        return _new_uda(element)  # long texts are rarely repeated: not kept
    # Everything a Uda is made of, as written.
    source = (element.get("NAME"), element.get("TYPE"), text, element.get("INDEX"))
    uda = _UDAS.get(source)
    if uda is None:
        uda = _new_uda(element)
        _remember(_UDAS, source, uda)
    return uda


def _new_uda(element: etree._Element) -> Uda:
    name = element.get("NAME")
    uda_type = element_attr_code(element, "TYPE")
    if uda_type is not None:
        uda_type = uda_type.upper()
    value = element_text(element)
    return Uda(
        name=str(name) if name else "",
        type=uda_type,
        value=value,
        list_values=split_list_value(value) if uda_type == UdaType.LIST else (),
        choice_index=element_attr_int(element, "INDEX"),
    )


def _option(element: etree._Element) -> StockOption:
    source = (element.get("NAME"), element.text)
    option = _OPTIONS.get(source)
    if option is None:
        name = source[0] or ""
        option = StockOption(str(name), parse_bool(source[1], where=f"OPTION[{name}]"))
        _remember(_OPTIONS, source, option)
    return option


def _barcodes(fields: Fields) -> tuple[Barcode, ...]:
    container = fields.child("BARCODES")
    if container is None:
        return ()
    barcodes = []
    for element in container.iterchildren("BARCODE"):
        value = element_code(element)
        if value is not None:
            desc = element.get("DESC")
            barcodes.append(Barcode(None if desc is None else str(desc), value))
    return tuple(barcodes)


def _images(fields: Fields) -> tuple[StockImage, ...]:
    container = fields.child("STOCK_IMAGES")
    if container is None:
        return ()
    images = []
    for element in container.iterchildren("STOCK_IMAGE"):
        image = Fields(element)
        record = StockImage(
            name=image.code("IMAGE_NAME"),
            desc=image.code("IMAGE_DESC"),
            file_name=image.code("FILE_NAME"),
            image_type=image.code("IMAGE_TYPE"),
        )
        if any((record.name, record.desc, record.file_name, record.image_type)):
            images.append(record)
    return tuple(images)


def _linked_items(fields: Fields) -> tuple[LinkedItem, ...]:
    container = fields.child("LINKED_ITEMS")
    if container is None:
        return ()
    links = []
    for element in container.iterchildren("LINK_ITEM"):
        link = Fields(element)
        code = link.code("STOCK_CODE")
        if code is None:
            continue
        links.append(
            LinkedItem(
                stock_code=code,
                link_type=link.as_int("LINK_TYPE"),
                value=link.as_decimal("LINK_VALUE"),
                auto_add=link.as_bool("AUTO_ADD"),
            )
        )
    return tuple(links)


def _supplier_refs(fields: Fields) -> tuple[SupplierRef, ...]:
    container = fields.child("SUPPLIER_STOCK_CODES")
    if container is None:
        return ()
    refs = []
    for element in container.iterchildren("SUPPLIER_REF"):
        refs.append(
            SupplierRef(
                code=element_code(element),
                supplier_urn=element_attr_code(element, "SUPPLIER_URN"),
                supplier_name=element_attr_code(element, "SUPPLIER_NAME"),
                is_preferred=element_attr_bool(element, "IS_PREFERRED"),
                purchase_cost=element_attr_decimal(element, "PURCHASE_COST"),
            )
        )
    return tuple(refs)


def _scs(fields: Fields, parent_is_net: bool | None) -> Scs | None:
    container = fields.child("SCS")
    if container is None:
        return None
    # Real exports put HEADING after the STYLE tree, so read headings first.
    headings = tuple(sorted(map(_heading, container.iterchildren("HEADING")), key=_level))
    names = {heading.level: heading.name for heading in headings}
    children: list[ScsChild] = []
    for style in container.iterchildren("STYLE"):
        _collect_children(style, names, parent_is_net, (), (), children)
    return Scs(headings=headings, children=tuple(children))


def _heading(element: etree._Element) -> ScsHeading:
    level = parse_int(element.get("LEVEL"), where="SCS/HEADING/@LEVEL")
    return ScsHeading(level=level or 0, name=(element.text or "").strip())


def _level(heading: ScsHeading) -> int:
    return heading.level


def _collect_children(
    style: etree._Element,
    headings: dict[int, str],
    parent_is_net: bool | None,
    values: tuple[str, ...],
    suffixes: tuple[str, ...],
    into: list[ScsChild],
) -> None:
    """Walk one STYLE: its SCS_ITEMs take the option values of the path so far."""
    style_fields = Fields(style)
    values = (*values, (style_fields.text("DESCRIPTION") or "").strip())
    suffixes = (*suffixes, style_fields.code("SCS_CODE_SUFFIX") or "")
    # Keep the option rather than lose the value when a heading is missing.
    options = tuple(
        (headings.get(level, f"Level {level}"), value) for level, value in enumerate(values, 1)
    )
    for element in style_fields.children("SCS_ITEM"):
        item = _read_item(Fields(element), inherited_is_net=parent_is_net)
        into.append(ScsChild(item=item, options=options, code_suffixes=suffixes))
    for nested in style_fields.children("STYLE"):
        _collect_children(nested, headings, parent_is_net, values, suffixes, into)
