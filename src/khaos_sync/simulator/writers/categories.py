"""KSDXMLWebCategories and KSDXMLWebCategoriesEx2: a website's category tree."""

from __future__ import annotations

from collections.abc import Mapping

from lxml import etree

from khaos_sync.simulator.model import Category, Item
from khaos_sync.simulator.writers.common import document, flag, sub, sub_cdata


def web_categories_document(
    website_id: int,
    website_name: str,
    categories: list[Category],
    members: Mapping[int, list[Item]],
    children: Mapping[int, list[Item]],
    *,
    extended: bool,
    include_items: bool = True,
) -> str:
    """The tree; ``extended`` gives the Ex2 shape (no legacy ITEM list, no SCS lists)."""
    attrib = (
        {"ID": str(website_id), "NAME": website_name}
        if extended
        else {"NAME": website_name, "ID": str(website_id)}
    )
    root = etree.Element("WEBSITE", attrib)
    by_parent: dict[int | None, list[Category]] = {}
    for category in categories:
        by_parent.setdefault(category.parent_id, []).append(category)
    writer = _TreeWriter(by_parent, members, children, extended, include_items)
    writer.write_level(root, None)
    return document(root, declaration=False)


class _TreeWriter:
    def __init__(
        self,
        by_parent: Mapping[int | None, list[Category]],
        members: Mapping[int, list[Item]],
        children: Mapping[int, list[Item]],
        extended: bool,
        include_items: bool,
    ) -> None:
        self.by_parent = by_parent
        self.members = members
        self.children = children
        self.extended = extended
        self.include_items = include_items

    def write_level(self, container: etree._Element, parent_id: int | None) -> None:
        ordered = sorted(
            self.by_parent.get(parent_id, []), key=lambda c: (c.sort_order, c.category_id)
        )
        for category in ordered:
            self.write_category(container, category)

    def write_category(self, container: etree._Element, category: Category) -> None:
        attrib = {
            "ID": str(category.category_id),
            "NAME": category.name,
            "SHORT_DESC": category.short_desc,
            "LONG_DESC": category.long_desc,
            "FILE_NAME": category.file_name,
        }
        if category.deleted:
            attrib["DELETE"] = "-1"
        element = sub(container, "CATEGORY", **attrib)
        self.write_level(element, category.category_id)
        items = self.members.get(category.category_id, []) if self.include_items else []
        if not self.extended:
            for item in items:
                sub(element, "ITEM", item.code)
        for item in items:
            self.write_member(element, item)

    def write_member(self, container: etree._Element, item: Item) -> None:
        element = sub(container, "STOCK_ITEM")
        sub(element, "STOCK_ID", str(item.stock_id))
        sub(element, "STOCK_CODE", item.code)
        sub(element, "CATEGORY_STOCK_CODE", item.code)
        sub_cdata(element, "SHORT_DESC", item.description)
        sub(element, "SELL_PRICE", "0")
        sub(element, "CANONICAL_ITEM", flag(False))
        variants = self.children.get(item.stock_id, [])
        if variants and not self.extended:
            scs = sub(element, "SCS")
            for child in variants:
                sub(scs, "STOCK_CODE", child.code)
