"""Khaos web categories to the shop's category tree and memberships (mapping §1)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from khaos_sync.mappers.html import sanitise_html
from khaos_sync.protocol.documents.web_categories import WebCategories, WebCategory


@dataclass(frozen=True)
class CategorySpec:
    khaos_id: str
    name: str
    parent_khaos_id: str | None
    description: str


@dataclass
class Memberships:
    """Which categories each item belongs to, keyed by STOCK_ID and by code."""

    by_id: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    by_code: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))

    def of(self, stock_id: str | None, stock_code: str | None) -> tuple[str, ...]:
        found = set(self.by_id.get(stock_id or "", ())) | set(
            self.by_code.get(stock_code or "", ())
        )
        return tuple(sorted(found))


def category_specs(tree: WebCategories) -> list[CategorySpec]:
    """Live categories, parents before children; a deleted category drops its subtree."""
    specs: list[CategorySpec] = []
    live: set[str | None] = {None}
    for category in tree.walk():
        if category.deleted or not category.id or category.parent_id not in live:
            continue
        live.add(category.id)
        specs.append(
            CategorySpec(
                khaos_id=category.id,
                name=(category.name or category.id).strip()[:255],
                parent_khaos_id=category.parent_id,
                description=sanitise_html(category.long_desc or category.short_desc),
            )
        )
    return specs


def memberships(tree: WebCategories) -> Memberships:
    result = Memberships()
    live = {spec.khaos_id for spec in category_specs(tree)}
    for category in tree.walk():
        if category.id in live:
            add_members(result, category)
    return result


def add_members(result: Memberships, category: WebCategory) -> None:
    assert category.id is not None
    for item in category.items:
        if item.deleted:
            continue
        if item.stock_id:
            result.by_id[item.stock_id].add(category.id)
        for code in (item.stock_code, *item.scs_codes):
            if code:
                result.by_code[code].add(category.id)
    for code in category.item_codes:
        result.by_code[code].add(category.id)
