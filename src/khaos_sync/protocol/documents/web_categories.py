"""KSDXMLWebCategories and KSDXMLWebCategoriesEx2: the web category tree.

Both documents share one shape: a ``WEBSITE`` holding nested ``CATEGORY``
elements, the items in each category (``STOCK_ITEM``, and the legacy ``ITEM``
code list), and website-wide item properties. A retailer may assign no
categories at all, which reads as an empty tree.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Final

from lxml import etree

from khaos_sync.protocol.values import Fields, element_code, element_text, expect_root
from khaos_sync.protocol.xmlsafe import iter_events_of_pieces, parse_document

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
    reader = _TreeReader(release=False)
    for event, element in etree.iterwalk(root, events=("start", "end"), tag=_TAGS):
        reader.take(event, element)
    return reader.result()


def read_web_categories(pieces: Iterable[bytes]) -> WebCategories:
    """The same document arriving in UTF-8 pieces (a SOAP answer), in flat memory.

    A large catalogue lists every item under its categories: each item is read
    and dropped as it completes, so only the small category tree is ever held
    as XML, never the whole document.
    """
    reader = _TreeReader(release=True)
    for event, element in iter_events_of_pieces(pieces, _TAGS, root=ROOT_TAG):
        reader.take(event, element)
    return reader.result()


# The Ex2 document has the same shape; the name documents which call it serves.
parse_web_categories_ex2 = parse_web_categories

_TAGS: Final = (ROOT_TAG, "CATEGORY", "STOCK_ITEM", "ITEM", "WEBSITE_STOCK_ITEMS")


@dataclass
class _Frame:
    """A category being read: its element, and what of it has been read so far."""

    element: etree._Element
    id: str | None
    parent_id: str | None
    children: list[WebCategory] = field(default_factory=list)
    items: list[CategoryItem] = field(default_factory=list)
    item_codes: list[str] = field(default_factory=list)


class _TreeReader:
    """Builds :class:`WebCategories` from start/end events, in document order.

    Only the root's own CATEGORY children and their CATEGORY children count,
    and only the first WEBSITE_STOCK_ITEMS of the root, as in the document's
    definition. With ``release`` each element is removed once read.
    """

    def __init__(self, *, release: bool) -> None:
        self.release = release
        self.root: etree._Element | None = None
        self.stack: list[_Frame] = []
        self.categories: list[WebCategory] = []
        self.website_lists = 0
        self.website_items: list[WebsiteItem] = []

    def take(self, event: str, element: etree._Element) -> None:
        if self.root is None:
            self.root = element
        elif event == "start":
            self.started(element)
        else:
            self.ended(element)

    def started(self, element: etree._Element) -> None:
        parent = element.getparent()
        if element.tag == "CATEGORY" and self.is_category_parent(parent):
            parent_id = self.stack[-1].id if self.stack else None
            self.stack.append(_Frame(element, Fields(element).attr_code("ID"), parent_id))
        elif element.tag == "WEBSITE_STOCK_ITEMS" and parent is self.root:
            self.website_lists += 1

    def ended(self, element: etree._Element) -> None:
        parent = element.getparent()
        frame = self.stack[-1] if self.stack else None
        if frame is not None and element is frame.element:
            self.stack.pop()
            category = _category(frame)
            (self.stack[-1].children if self.stack else self.categories).append(category)
        elif frame is not None and parent is frame.element and element.tag == "STOCK_ITEM":
            frame.items.append(_category_item(element))
        elif frame is not None and parent is frame.element and element.tag == "ITEM":
            code = element_code(element)
            if code is not None:
                frame.item_codes.append(code)
        elif self.is_website_item(element, parent):
            self.website_items.append(_website_item(element))
        else:
            return
        if self.release and parent is not None:
            parent.remove(element)

    def is_category_parent(self, parent: etree._Element | None) -> bool:
        return parent is self.root if not self.stack else parent is self.stack[-1].element

    def is_website_item(self, element: etree._Element, parent: etree._Element | None) -> bool:
        return (
            element.tag == "STOCK_ITEM"
            and parent is not None
            and parent.tag == "WEBSITE_STOCK_ITEMS"
            and parent.getparent() is self.root
            and self.website_lists == 1
        )

    def result(self) -> WebCategories:
        assert self.root is not None
        fields = Fields(self.root)
        return WebCategories(
            website_name=fields.attr_code("NAME"),
            website_id=fields.attr_code("ID"),
            categories=tuple(self.categories),
            website_items=tuple(self.website_items),
        )


def _category(frame: _Frame) -> WebCategory:
    fields = Fields(frame.element)
    return WebCategory(
        id=frame.id,
        name=fields.attr_code("NAME"),
        short_desc=fields.attr("SHORT_DESC"),
        long_desc=fields.attr("LONG_DESC"),
        file_name=fields.attr_code("FILE_NAME"),
        deleted=bool(fields.attr_bool("DELETE")),
        parent_id=frame.parent_id,
        children=tuple(frame.children),
        items=tuple(frame.items),
        item_codes=tuple(frame.item_codes),
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


def _website_item(element: etree._Element) -> WebsiteItem:
    item = Fields(element)
    return WebsiteItem(
        stock_id=item.code("STOCK_ID"),
        stock_code=item.code("STOCK_CODE"),
        website_stock_code=item.code("WEBSITE_STOCK_CODE"),
        short_desc=item.text("SHORT_DESC"),
        long_desc=item.text("LONG_DESC"),
        web_teaser=item.text("WEB_TEASER"),
    )


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
