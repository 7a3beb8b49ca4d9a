"""The stock upload: ``StockItems`` / ``{"Items": [StockItem], "Deleted": [stock ids]}``.

A KCC ``StockItem`` becomes the same
:class:`~khaos_sync.protocol.documents.stock.StockItem` record a KSDXML
``STOCK_ITEM`` does, so ``map_stock_item`` and the catalogue writer are
shared. KCC sends SCS children as items of their own that name their parent
(``StockRelationships.SCSChild.ParentStockID``); they are put back inside
their parent as KSDXML has them. Children whose parent is not in the same
upload are returned apart (``orphans``) for the caller to complete. Links
name other items by stock id; ``code_for_id`` resolves those not in the
upload.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any, Final

from khaos_sync.protocol.cloud.payload import (
    DEFAULT_MAX_BYTES,
    DataItem,
    Format,
    Node,
    Price,
    Seq,
    compact,
    dump,
    load,
)
from khaos_sync.protocol.documents.stock import (
    Barcode,
    LinkedItem,
    LinkType,
    Scs,
    ScsChild,
    ScsHeading,
    StockImage,
    StockItem,
    StockOption,
    StockTypeLevel,
    Uda,
    UdaType,
)
from khaos_sync.protocol.errors import DocumentError
from khaos_sync.protocol.values import split_list_value

ROOT = "StockItems"

LINK_TYPES: Final = {
    "UpSell": LinkType.UPSELL,
    "CrossSell": LinkType.CROSS_SELL,
    "Associated": LinkType.ASSOCIATED,
}
_LINK_NAMES: Final = {int(kind): name for name, kind in LINK_TYPES.items()}
_FOLDED_LINKS: Final = {name.lower(): kind for name, kind in LINK_TYPES.items()}
PACK_TYPES: Final = ("None", "Build", "Pack")

# KCC names the tax band; its rate lives in the back office. Standard (1) is
# left to the shop's configured default VAT rate.
TAX_BAND_RATES: Final[Mapping[str, Decimal | None]] = {
    "1": None,
    "2": Decimal(0),
    "3": Decimal(0),
    "4": Decimal(5),
}
_TAX_BAND_FOR_RATE: Final = {Decimal(0): "2", Decimal(5): "4"}

CodeForId = Callable[[str], str | None]


@dataclass(frozen=True, slots=True)
class Orphan:
    """An SCS child whose parent was not in the same upload."""

    parent_stock_id: str
    child: ScsChild


@dataclass(frozen=True, slots=True)
class StockUpload:
    items: tuple[StockItem, ...]  # top-level items, SCS children inside their parent
    deleted: tuple[str, ...]  # stock ids
    orphans: tuple[Orphan, ...] = ()
    unresolved_links: tuple[str, ...] = ()  # stock ids a link names but nobody knows


@dataclass(frozen=True, slots=True)
class _Read:
    item: StockItem
    parent_id: str | None
    values: tuple[str, ...]
    headings: tuple[str, ...]
    links: tuple[tuple[str, int, Decimal | None], ...]  # (linked stock id, type, value)


def read_stock_upload(
    data: bytes | str,
    fmt: Format,
    *,
    code_for_id: CodeForId = lambda stock_id: None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> StockUpload:
    top = load(data, fmt, ROOT, max_bytes=max_bytes)
    if not top.has("Items") and not top.has("Deleted"):
        raise DocumentError("a stock upload has neither Items nor Deleted")
    read = [_read_item(node) for node in top.nodes("Items")]
    codes = {r.item.stock_id: r.item.stock_code for r in read if r.item.stock_id}
    unresolved: list[str] = []

    def code_of(stock_id: str) -> str | None:
        code = codes.get(stock_id) or code_for_id(stock_id)
        if code is None:
            unresolved.append(stock_id)
        return code

    linked = [replace(r, item=_with_links(r, code_of)) for r in read]
    items, orphans = _nest_children(linked)
    return StockUpload(
        items=items,
        deleted=tuple(top.texts("Deleted")),
        orphans=orphans,
        unresolved_links=tuple(dict.fromkeys(unresolved)),
    )


def _read_item(node: Node) -> _Read:
    try:
        return _read_item_fields(node)
    except DocumentError as exc:
        code = node.text("StockCode") or node.text("StockID") or "?"
        raise DocumentError(f"stock item {code}: {exc}") from exc


def _read_item_fields(node: Node) -> _Read:
    if node.text("StockID") is None:
        raise DocumentError(f"{node.path('StockID')} is missing")
    options = node.node("Options")
    web = node.node("WebProperties")
    sell = node.price("SellPrice")
    buy = node.price("BuyPrice")
    website = None if web is None else web.price("WebsitePrice")
    relations = node.node("StockRelationships")
    child = None if relations is None else relations.node("SCSChild")
    parent = None if relations is None else relations.node("SCSParent")
    item = StockItem(
        stock_id=node.text("StockID"),
        stock_code=node.text("StockCode"),
        associated_ref=node.text("OtherRef"),
        # The object table says StockDescription; the published sample ShortDescription.
        stock_desc=node.text("StockDescription") or node.text("ShortDescription"),
        long_desc=node.text("LongDescription"),
        web_teaser=None if web is None else web.text("WebTeaser"),
        sell_price=None if sell is None else sell.amount,
        sell_price_is_net=None if sell is None else sell.net,
        buy_price=None if buy is None else buy.amount,
        buy_price_is_net=None if buy is None else buy.net,
        sell_price_web=None if website is None else website.amount,
        vat_rate=_vat_rate(node),
        country_rates=(),
        stock_ttype=_level(node.data_item("StockType1")),
        stock_type=_level(node.data_item("StockType2")),
        stock_mid_type=_level(node.data_item("StockType3")),
        stock_sub_type=_level(node.data_item("StockType4")),
        web=None if options is None else options.as_bool("PublishOnWeb"),
        discontinued=None if options is None else options.as_bool("Discontinued"),
        deleted=None,
        run_to_zero=None if options is None else options.as_bool("RunToZero"),
        stock_controlled=None if options is None else options.as_bool("StockControlled"),
        drop_ship=None if options is None else options.as_bool("DropShipItem"),
        discounts_disabled=None if options is None else options.as_bool("DiscountsDisabled"),
        vat_relief_qualified=None if options is None else options.as_bool("VatReliefQualified"),
        sales_multiple=node.as_decimal("SalesMultiple"),
        max_display_qty=node.as_int("MaxDisplayQty"),
        availability=node.text("Availability"),
        meta_title=None if web is None else web.text("MetaTitle"),
        meta_description=None if web is None else web.text("MetaDescription"),
        meta_keywords=None if web is None else web.text("MetaKeywords"),
        weight=node.as_decimal("Weight"),
        height=node.as_decimal("Height"),
        width=node.as_decimal("Width"),
        depth=node.as_decimal("Depth"),
        manufacturer=node.text("Manufacturer"),
        lead_time=node.as_int("LeadTime"),
        launch_date=node.as_datetime("LaunchDate"),
        min_level=node.as_decimal("MinLevel"),
        safe_level=node.as_decimal("SafeLevel"),
        supplier_stock_code=None,
        image_filename=None,
        udas=tuple(_uda(uda) for uda in node.nodes("UserDefinedFields")),
        options=() if options is None else _custom_options(options),
        barcodes=tuple(_barcodes(node)),
        images=tuple(_image(image) for image in node.nodes("Images")),
        linked_items=(),
        supplier_refs=(),
        scs=None
        if parent is None
        else Scs(headings=_headings(parent.texts("Headings")), children=()),
    )
    return _Read(
        item=item,
        parent_id=None if child is None else child.required("ParentStockID"),
        values=() if child is None else tuple(child.texts("SCSValues")),
        headings=() if parent is None else tuple(parent.texts("Headings")),
        links=() if relations is None else _links(relations),
    )


def _vat_rate(node: Node) -> Decimal | None:
    band = node.data_item("TaxRate")
    if band is None:
        return None
    return TAX_BAND_RATES.get(band.id or band.code or "")


def _level(item: DataItem | None) -> StockTypeLevel:
    if item is None:
        return StockTypeLevel(None, None, None)
    return StockTypeLevel(name=item.name, id=item.id, epos_desc=None)


def _custom_options(options: Node) -> tuple[StockOption, ...]:
    return tuple(
        StockOption(node.required("Name"), node.as_bool("Value"))
        for node in options.nodes("CustomOptions")
    )


def _uda(node: Node) -> Uda:
    value = node.text("Value") or ""
    kind = (node.text("Type") or "").upper() or None
    return Uda(
        name=node.required("Name"),
        type=kind,
        value=value,
        list_values=split_list_value(value) if kind == UdaType.LIST else (),
        choice_index=None,
    )


def _barcodes(node: Node) -> list[Barcode]:
    result = []
    for entry in node.nodes("Barcodes"):
        value = entry.text("Barcode") or entry.text("Value")
        if value:
            result.append(Barcode(entry.text("Description"), value))
    return result


def _image(node: Node) -> StockImage:
    return StockImage(
        name=node.text("Name"),
        desc=node.text("Description"),
        file_name=node.text("URL") or node.text("Filename") or node.text("FileName"),
        image_type=node.text("ImageType"),
    )


def _headings(names: Sequence[str]) -> tuple[ScsHeading, ...]:
    return tuple(ScsHeading(level, name) for level, name in enumerate(names, 1))


def _links(relations: Node) -> tuple[tuple[str, int, Decimal | None], ...]:
    links: list[tuple[str, int, Decimal | None]] = []
    for node in relations.nodes("Linked"):
        name = node.required("LinkType")
        kind = _FOLDED_LINKS.get(name.lower())
        if kind is None:
            raise DocumentError(
                f"{node.path('LinkType')}: {name!r} is not one of {', '.join(LINK_TYPES)}"
            )
        links.append((node.required("LinkedStockID"), int(kind), None))
    pack_type = relations.text("PackType") or "None"
    if pack_type not in PACK_TYPES:
        raise DocumentError(
            f"{relations.path('PackType')}: {pack_type!r} is not one of {', '.join(PACK_TYPES)}"
        )
    if pack_type != "None":
        for node in relations.nodes("PackItems"):
            links.append(
                (node.required("LinkedStockID"), int(LinkType.PACK), node.as_decimal("Quantity"))
            )
    return tuple(links)


def _with_links(read: _Read, code_of: Callable[[str], str | None]) -> StockItem:
    links = []
    for stock_id, kind, value in read.links:
        code = code_of(stock_id)
        if code is not None:
            links.append(LinkedItem(stock_code=code, link_type=kind, value=value, auto_add=None))
    return replace(read.item, linked_items=tuple(links))


def _nest_children(read: list[_Read]) -> tuple[tuple[StockItem, ...], tuple[Orphan, ...]]:
    parents = {r.item.stock_id: r for r in read if r.parent_id is None}
    children: dict[str, list[ScsChild]] = {}
    orphans = []
    for r in read:
        if r.parent_id is None:
            continue
        parent = parents.get(r.parent_id)
        headings = parent.headings if parent is not None else ()
        child = scs_child(r.item, headings, r.values)
        if parent is None:
            orphans.append(Orphan(r.parent_id, child))
        else:
            children.setdefault(r.parent_id, []).append(child)
    items = []
    for r in read:
        if r.parent_id is not None:
            continue
        mine = children.get(r.item.stock_id or "", [])
        items.append(attach_children(r.item, mine) if mine else r.item)
    return tuple(items), tuple(orphans)


def scs_child(item: StockItem, headings: Sequence[str], values: Sequence[str]) -> ScsChild:
    names = list(headings) + [f"Level {n}" for n in range(len(headings) + 1, len(values) + 1)]
    return ScsChild(
        item=item,
        options=tuple(zip(names, values, strict=False)),
        code_suffixes=tuple("" for _ in values),
    )


def attach_children(parent: StockItem, children: Sequence[ScsChild]) -> StockItem:
    """The parent with ``children`` as its SCS variants (headings named on each child)."""
    headings = parent.scs.headings if parent.scs is not None else ()
    names = [heading.name for heading in headings]
    named = [
        ScsChild(
            item=c.item,
            options=tuple(
                (names[i] if i < len(names) else name, value)
                for i, (name, value) in enumerate(c.options)
            ),
            code_suffixes=c.code_suffixes,
        )
        for c in children
    ]
    return replace(parent, scs=Scs(headings=headings, children=tuple(named)))


# --- writing (the simulator's side) ---------------------------------------------------


def write_stock_upload(
    items: Sequence[StockItem], fmt: Format, *, deleted: Sequence[str] = ()
) -> bytes:
    """Items (SCS parents followed by each child as an item of its own) and deleted ids."""
    ids = {item.stock_code: item.stock_id for item in _flatten(items) if item.stock_code}
    entries: list[dict[str, Any]] = []
    for item in items:
        entries.append(_item_tree(item, ids))
        if item.scs is not None:
            for child in item.scs.children:
                entries.append(_item_tree(child.item, ids, parent=item, child=child))
    tree = {"Items": Seq("StockItem", entries), "Deleted": Seq("string", list(deleted))}
    return dump(tree, fmt, ROOT)


def _flatten(items: Sequence[StockItem]) -> list[StockItem]:
    flat = []
    for item in items:
        flat.append(item)
        if item.scs is not None:
            flat.extend(child.item for child in item.scs.children)
    return flat


def _item_tree(
    item: StockItem,
    ids: Mapping[str, str | None],
    *,
    parent: StockItem | None = None,
    child: ScsChild | None = None,
) -> dict[str, Any]:
    return compact(
        {
            "StockID": item.stock_id,
            "StockCode": item.stock_code,
            "OtherRef": item.associated_ref,
            "StockDescription": item.stock_desc,
            "LongDescription": item.long_desc,
            "BuyPrice": _price(item.buy_price, item.buy_price_is_net),
            "SellPrice": _price(item.sell_price, item.sell_price_is_net),
            "TaxRate": _tax_band(item.vat_rate),
            "StockType1": _data(item.stock_ttype),
            "StockType2": _data(item.stock_type),
            "StockType3": _data(item.stock_mid_type),
            "StockType4": _data(item.stock_sub_type),
            "Options": _options_tree(item),
            "SalesMultiple": item.sales_multiple,
            "MaxDisplayQty": item.max_display_qty,
            "LeadTime": item.lead_time,
            "Availability": item.availability,
            "Weight": item.weight,
            "Height": item.height,
            "Width": item.width,
            "Depth": item.depth,
            "Manufacturer": item.manufacturer,
            "LaunchDate": item.launch_date,
            "MinLevel": item.min_level,
            "SafeLevel": item.safe_level,
            "WebProperties": compact(
                {
                    "WebsitePrice": _price(item.sell_price_web, item.sell_price_is_net),
                    "WebTeaser": item.web_teaser,
                    "MetaTitle": item.meta_title,
                    "MetaDescription": item.meta_description,
                    "MetaKeywords": item.meta_keywords,
                }
            ),
            "Images": Seq("StockImage", [_image_tree(image) for image in item.images]),
            "Barcodes": Seq(
                "StockBarcode",
                [compact({"Barcode": b.value, "Description": b.desc}) for b in item.barcodes],
            ),
            "UserDefinedFields": Seq(
                "UserDefinedField",
                [compact({"Name": u.name, "Type": u.type, "Value": u.value}) for u in item.udas],
            ),
            "StockRelationships": _relationships_tree(item, ids, parent, child),
        }
    )


def _price(amount: Decimal | None, net: bool | None) -> Price | None:
    return None if amount is None else Price(amount, net=bool(net))


def _tax_band(rate: Decimal | None) -> DataItem | None:
    if rate is None:
        return None
    # Any other rate is the standard band: the shop's default VAT rate.
    return DataItem(id=_TAX_BAND_FOR_RATE.get(rate, "1"))


def _data(level: StockTypeLevel) -> DataItem | None:
    item = DataItem(id=level.id, name=level.name)
    return item or None


def _options_tree(item: StockItem) -> dict[str, Any]:
    return compact(
        {
            "PublishOnWeb": item.web,
            "Discontinued": item.discontinued,
            "RunToZero": item.run_to_zero,
            "StockControlled": item.stock_controlled,
            "DropShipItem": item.drop_ship,
            "DiscountsDisabled": item.discounts_disabled,
            "VatReliefQualified": item.vat_relief_qualified,
            "CustomOptions": Seq(
                "CustomOption",
                [compact({"Name": o.name, "Value": o.value}) for o in item.options],
            ),
        }
    )


def _image_tree(image: StockImage) -> dict[str, Any]:
    return compact(
        {
            "Name": image.name,
            "Description": image.desc,
            "URL": image.file_name,
            "ImageType": image.image_type,
        }
    )


def _relationships_tree(
    item: StockItem,
    ids: Mapping[str, str | None],
    parent: StockItem | None,
    child: ScsChild | None,
) -> dict[str, Any] | None:
    linked = [
        {"LinkedStockID": ids.get(link.stock_code), "LinkType": _LINK_NAMES[link.link_type]}
        for link in item.linked_items
        if link.link_type in _LINK_NAMES and ids.get(link.stock_code)
    ]
    pack = [
        compact({"LinkedStockID": ids.get(link.stock_code), "Quantity": link.value})
        for link in item.linked_items
        if link.link_type == LinkType.PACK and ids.get(link.stock_code)
    ]
    tree: dict[str, Any] = {
        "Linked": Seq("LinkedItem", linked),
        "PackType": "Pack" if pack else "None",
        "PackItems": Seq("PackItem", pack),
    }
    if item.scs is not None and item.scs.children:
        tree["SCSParent"] = {
            "Headings": Seq("string", [heading.name for heading in item.scs.headings])
        }
    if parent is not None and child is not None:
        tree["SCSChild"] = {
            "ParentStockID": parent.stock_id,
            "SCSValues": Seq("string", [value for _name, value in child.options]),
            "SCSDescription": " / ".join(value for _name, value in child.options),
        }
    return tree
