"""KSDXMLWebCategories and KSDXMLWebCategoriesEx2: the web category tree.

Both documents share one shape: a ``WEBSITE`` holding nested ``CATEGORY``
elements, the items in each category (``STOCK_ITEM``, and the legacy ``ITEM``
code list), and website-wide item properties. A retailer may assign no
categories at all, which reads as an empty tree.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from lxml import etree

from khaos_sync.protocol.values import Fields, element_code, element_text, expect_root
from khaos_sync.protocol.xmlsafe import parse_document

ROOT_TAG = "WEBSITE"


@dataclass(frozen=True, slots=True)
class CategoryItem:
    """An item's membership of one category, with per-category overrides."""

    stock_id: str | None
    stock_code: str | None
    category_stock_code: str | None
    short_desc: str | None
    long_desc: str | None
    web_teaser: str | None
    sell_price: Decimal | None
    image_name: str | None
    canonical: bool | None
    deleted: bool
    # Codes of the SCS children listed under the item (WebCategories only).
    scs_codes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class WebCategory:
    id: str | None
    name: str | None
    short_desc: str | None
    long_desc: str | None
    file_name: str | None
    deleted: bool
    parent_id: str | None
    children: tuple[WebCategory, ...]
    items: tuple[CategoryItem, ...]
    # The legacy ITEM list of stock codes, kept for old exports.
    item_codes: tuple[str, ...]
    custom_properties: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class WebsiteItem:
    """Website-wide item properties (``WEBSITE_STOCK_ITEMS``)."""

    stock_id: str | None
    stock_code: str | None
    website_stock_code: str | None
    short_desc: str | None
    long_desc: str | None
    web_teaser: str | None


@dataclass(frozen=True, slots=True)
class WebCategories:
    website_name: str | None
    website_id: str | None
    categories: tuple[WebCategory, ...]
    website_items: tuple[WebsiteItem, ...]

    def walk(self) -> Iterator[WebCategory]:
        """Every category, parents before their children."""
        stack = list(reversed(self.categories))
        while stack:
            category = stack.pop()
            yield category
            stack.extend(reversed(category.children))


def parse_web_categories(data: bytes | str) -> WebCategories:
    """Parse an ExportWebCategories or ExportWebCategoriesEx2 document."""
    root = parse_document(data)
    expect_root(root, ROOT_TAG)
    fields = Fields(root)
    return WebCategories(
        website_name=fields.attr_code("NAME"),
        website_id=fields.attr_code("ID"),
        categories=tuple(_category(child, None) for child in fields.children("CATEGORY")),
        website_items=_website_items(fields),
    )


# The Ex2 document has the same shape; the name documents which call it serves.
parse_web_categories_ex2 = parse_web_categories


def _category(element: etree._Element, parent_id: str | None) -> WebCategory:
    fields = Fields(element)
    category_id = fields.attr_code("ID")
    return WebCategory(
        id=category_id,
        name=fields.attr_code("NAME"),
        short_desc=fields.attr("SHORT_DESC"),
        long_desc=fields.attr("LONG_DESC"),
        file_name=fields.attr_code("FILE_NAME"),
        deleted=bool(fields.attr_bool("DELETE")),
        parent_id=parent_id,
        children=tuple(_category(child, category_id) for child in fields.children("CATEGORY")),
        items=tuple(_category_item(child) for child in fields.children("STOCK_ITEM")),
        item_codes=tuple(
            code for code in map(element_code, fields.children("ITEM")) if code is not None
        ),
        custom_properties=_custom_properties(fields),
    )


def _category_item(element: etree._Element) -> CategoryItem:
    fields = Fields(element)
    scs = fields.child("SCS")
    scs_codes = () if scs is None else _codes(scs.iterchildren("STOCK_CODE"))
    return CategoryItem(
        stock_id=fields.code("STOCK_ID"),
        stock_code=fields.code("STOCK_CODE"),
        category_stock_code=fields.code("CATEGORY_STOCK_CODE"),
        short_desc=fields.text("SHORT_DESC"),
        long_desc=fields.text("LONG_DESC"),
        web_teaser=fields.text("WEB_TEASER"),
        sell_price=fields.as_decimal("SELL_PRICE"),
        image_name=fields.code("IMAGE_NAME"),
        canonical=fields.as_bool("CANONICAL_ITEM"),
        deleted=bool(fields.attr_bool("DELETE")),
        scs_codes=scs_codes,
    )


def _website_items(fields: Fields) -> tuple[WebsiteItem, ...]:
    container = fields.child("WEBSITE_STOCK_ITEMS")
    if container is None:
        return ()
    items = []
    for element in container.iterchildren("STOCK_ITEM"):
        item = Fields(element)
        items.append(
            WebsiteItem(
                stock_id=item.code("STOCK_ID"),
                stock_code=item.code("STOCK_CODE"),
                website_stock_code=item.code("WEBSITE_STOCK_CODE"),
                short_desc=item.text("SHORT_DESC"),
                long_desc=item.text("LONG_DESC"),
                web_teaser=item.text("WEB_TEASER"),
            )
        )
    return tuple(items)


def _custom_properties(fields: Fields) -> tuple[tuple[str, str], ...]:
    container = fields.child("CUSTOM")
    if container is None:
        return ()
    return tuple(
        (str(prop.get("NAME") or ""), element_text(prop))
        for prop in container.iterchildren("CUSTOM_PROPERTY")
    )


def _codes(elements: Iterator[etree._Element]) -> tuple[str, ...]:
    return tuple(code for code in map(element_code, elements) if code is not None)
