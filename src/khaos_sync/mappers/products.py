"""Khaos stock items to product specs: what the shop should hold (mapping.md §1, §3).

Declarative where the rule is a plain copy (``DIRECT_FIELDS``); small named
functions where there is a rule. A spec is a plain value: it can be hashed to
tell whether anything changed since the last sync, and compared field by field
against what a person edited.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, fields
from decimal import Decimal
from functools import cached_property
from operator import attrgetter
from typing import Any

from khaos_sync.mappers.html import sanitise_html
from khaos_sync.mappers.tags import attributes_from_udas, tags_from_udas
from khaos_sync.money import gross_from_net, to_pennies
from khaos_sync.protocol.documents.stock import LinkType, StockItem

STANDALONE = "standalone"
PARENT = "parent"
CHILD = "child"

# Fields a person may take over in the dashboard; Khaos keeps the rest.
PRESENTATION_FIELDS = (
    "title",
    "summary",
    "description",
    "meta_title",
    "meta_description",
    "meta_keywords",
    "categories",
    "tags",
)
TITLE_MAX = 255
SKU_MAX = 64  # Oscar's UPC
CODE_MAX = 255  # what the binding keeps of a Khaos code
# Shop column sizes a Khaos text may exceed: cut rather than fail the item.
MAX_LENGTHS = {"meta_title": 255, "meta_keywords": 500, "availability_text": 255}


class MappingError(ValueError):
    """A stock item cannot become a product (e.g. it has no code or no id)."""


@dataclass(frozen=True)
class MappingOptions:
    default_vat_rate: Decimal = Decimal("20")
    uda_modes: Mapping[str, str] = field(default_factory=dict)
    category_fallback: bool = False


@dataclass(frozen=True)
class ProductSpec:
    stock_id: str
    sku: str
    structure: str
    parent_stock_id: str | None
    title: str
    summary: str
    description: str
    meta_title: str
    meta_description: str
    meta_keywords: str
    price_incl_tax: Decimal | None
    vat_rate: Decimal
    khaos_deleted: bool
    discontinued: bool
    run_to_zero: bool
    stock_controlled: bool
    sales_multiple: int
    max_display_qty: int | None
    availability_text: str
    lead_time_days: int | None
    weight: Decimal | None
    height: Decimal | None
    width: Decimal | None
    depth: Decimal | None
    barcodes: tuple[str, ...]
    tags: tuple[str, ...]
    attributes: tuple[tuple[str, str], ...]
    options: tuple[tuple[str, str], ...]
    categories: tuple[str, ...]  # Khaos web category ids (or stock-type paths)
    image_files: tuple[str, ...]
    recommendations: tuple[tuple[str, int], ...]  # (stock code, link type)
    pack_components: tuple[tuple[str, Decimal], ...]  # (stock code, quantity)

    @cached_property
    def fingerprint(self) -> str:
        """A stable hash of everything the shop would store."""
        # The fields as they are (strings, numbers, tuples of them), not ``asdict``,
        # whose deep copy cost more than the hash; JSON writes tuples as lists either way.
        # The text is ``json.dumps(values, sort_keys=True, default=str)``'s: the names
        # are sorted once and the encoder made once, not for every spec.
        values = dict(zip(FINGERPRINT_FIELDS, _fingerprint_values(self), strict=True))
        return hashlib.sha256(_FINGERPRINT_JSON.encode(values).encode()).hexdigest()

    def presentation(self) -> dict[str, Any]:
        return {name: jsonable(getattr(self, name)) for name in PRESENTATION_FIELDS}


FINGERPRINT_FIELDS = tuple(sorted(f.name for f in fields(ProductSpec)))
_fingerprint_values = attrgetter(*FINGERPRINT_FIELDS)
_FINGERPRINT_JSON = json.JSONEncoder(default=str)


def jsonable(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def text(value: str | None) -> str:
    return (value or "").strip()


# (spec field, StockItem attribute, conversion)
DIRECT_FIELDS: tuple[tuple[str, str, Callable[[Any], Any]], ...] = (
    ("summary", "web_teaser", text),
    ("description", "long_desc", sanitise_html),
    ("meta_title", "meta_title", text),
    ("meta_description", "meta_description", text),
    ("meta_keywords", "meta_keywords", text),
    ("availability_text", "availability", text),
    ("lead_time_days", "lead_time", lambda v: v),
    ("weight", "weight", lambda v: v),
    ("height", "height", lambda v: v),
    ("width", "width", lambda v: v),
    ("depth", "depth", lambda v: v),
    ("discontinued", "discontinued", bool),
    ("khaos_deleted", "deleted", bool),
    ("run_to_zero", "run_to_zero", bool),
)


def is_shown(published: bool, khaos_deleted: bool) -> bool:
    """Listed in the shop: a person published it and Khaos has not deleted it."""
    return published and not khaos_deleted


def placeholder_sku(code: str, stock_id: str) -> str:
    """The partner SKU of a product that has no code of its own.

    Longer than any Khaos code may be (``SKU_MAX``), so it can never clash with one.
    """
    return f"{code[:SKU_MAX]}~{stock_id}".rjust(SKU_MAX + 1, "~")


def web_price(item: StockItem) -> Decimal | None:
    """SELL_PRICE_WEB where it is a positive number, else SELL_PRICE."""
    if item.sell_price_web is not None and item.sell_price_web > 0:
        return item.sell_price_web
    return item.sell_price


def gross_price(item: StockItem, vat_rate: Decimal) -> Decimal | None:
    price = web_price(item)
    if price is None:
        return None
    return gross_from_net(price, vat_rate) if item.sell_price_is_net else to_pennies(price)


def vat_rate_for(item: StockItem, parent: StockItem | None, options: MappingOptions) -> Decimal:
    for candidate in (item.vat_rate, parent.vat_rate if parent else None):
        if candidate is not None:
            return candidate
    return options.default_vat_rate


def title_for(item: StockItem) -> str:
    title = text(item.stock_desc) or text(item.stock_code)
    return title[:TITLE_MAX]


def sales_multiple(item: StockItem) -> int:
    multiple = item.sales_multiple
    return int(multiple) if multiple is not None and multiple >= 1 else 1


def max_display(item: StockItem) -> int | None:
    return item.max_display_qty if item.max_display_qty and item.max_display_qty > 0 else None


def stock_controlled(item: StockItem) -> bool:
    return item.stock_controlled is not False


def image_files(item: StockItem) -> tuple[str, ...]:
    names = [image.file_name for image in item.images if image.file_name]
    if not names and item.image_filename:
        names = [item.image_filename]
    return tuple(names)


RECOMMENDED = frozenset({LinkType.UPSELL, LinkType.CROSS_SELL, LinkType.ASSOCIATED})


def recommendations(item: StockItem) -> tuple[tuple[str, int], ...]:
    if not item.linked_items:
        return ()
    return tuple(
        (link.stock_code, int(link.link_type))
        for link in item.linked_items
        if link.link_type in RECOMMENDED and link.stock_code
    )


def pack_components(item: StockItem) -> tuple[tuple[str, Decimal], ...]:
    if not item.linked_items:
        return ()
    return tuple(
        (link.stock_code, link.value if link.value and link.value > 0 else Decimal(1))
        for link in item.linked_items
        if link.link_type == LinkType.PACK and link.stock_code
    )


def stock_type_path(item: StockItem) -> tuple[str, ...]:
    levels = (item.stock_ttype, item.stock_type, item.stock_mid_type, item.stock_sub_type)
    names = [text(level.name) for level in levels]
    path = [name for name in names if name]
    return (" > ".join(path),) if path else ()


def required(value: str | None, name: str, item: StockItem) -> str:
    if not value or not value.strip():
        raise MappingError(f"stock item {item.stock_code or item.stock_id or '?'} has no {name}")
    return value.strip()


def map_item(
    item: StockItem,
    options: MappingOptions,
    *,
    structure: str = STANDALONE,
    parent: StockItem | None = None,
    variant_options: tuple[tuple[str, str], ...] = (),
    categories: tuple[str, ...] = (),
) -> ProductSpec:
    stock_id = required(item.stock_id, "STOCK_ID", item)
    # A code too long for the shop's SKU still makes a product (without a SKU).
    sku = required(item.stock_code, "STOCK_CODE", item)[:CODE_MAX]
    vat_rate = vat_rate_for(item, parent, options)
    if not categories and options.category_fallback and structure != CHILD:
        categories = stock_type_path(item)
    direct = {name: convert(getattr(item, attr)) for name, attr, convert in DIRECT_FIELDS}
    for name, limit in MAX_LENGTHS.items():
        direct[name] = direct[name][:limit]
    return ProductSpec(
        stock_id=stock_id,
        sku=sku,
        structure=structure,
        parent_stock_id=parent.stock_id if parent else None,
        title=title_for(item),
        price_incl_tax=gross_price(item, vat_rate),
        vat_rate=vat_rate,
        stock_controlled=stock_controlled(item),
        sales_multiple=sales_multiple(item),
        max_display_qty=max_display(item),
        barcodes=tuple(b.value for b in item.barcodes if b.value),
        tags=tags_from_udas(item.udas, options.uda_modes),
        attributes=attributes_from_udas(item.udas, options.uda_modes),
        options=variant_options,
        categories=tuple(sorted(set(categories))),
        image_files=image_files(item),
        recommendations=recommendations(item),
        pack_components=pack_components(item),
        **direct,
    )


def map_stock_item(
    item: StockItem,
    options: MappingOptions,
    member_of: Callable[[StockItem], tuple[str, ...]] = lambda item: (),
) -> Iterator[ProductSpec]:
    """One spec for a plain item; the parent first, then each variant, for SCS.

    Only parents are browsable in the shop, so a category that lists a variant
    lists its parent.
    """
    categories = member_of(item)
    if item.scs is None or not item.scs.children:
        yield map_item(item, options, categories=categories)
        return
    for child in item.scs.children:
        categories += member_of(child.item)
    yield map_item(item, options, structure=PARENT, categories=categories)
    for child in item.scs.children:
        yield map_item(
            child.item, options, structure=CHILD, parent=item, variant_options=child.options
        )
