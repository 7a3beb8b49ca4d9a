"""Khaos web categories to the shop's category tree and memberships (mapping §1)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import astuple, dataclass, field

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
    """Which categories each item belongs to, keyed by STOCK_ID and by code.

    Tuples rather than sets: a large catalogue holds one or two categories per
    item for the whole run, and an empty set alone costs several tuples.
    """

    by_id: dict[str, tuple[str, ...]] = field(default_factory=dict)
    by_code: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # One tuple per distinct set of categories, shared by every item in that set.
    shared: dict[tuple[str, ...], tuple[str, ...]] = field(default_factory=dict)

    def of(self, stock_id: str | None, stock_code: str | None) -> tuple[str, ...]:
        found = set(self.by_id.get(stock_id or "", ())) | set(
            self.by_code.get(stock_code or "", ())
        )
        return tuple(sorted(found))

    def add_id(self, stock_id: str, category_id: str) -> None:
        self._join(self.by_id, stock_id, category_id)

    def add_code(self, code: str, category_id: str) -> None:
        self._join(self.by_code, code, category_id)

    def _join(self, index: dict[str, tuple[str, ...]], key: str, category_id: str) -> None:
        current = index.get(key, ())
        if category_id not in current:
            joined = (*current, category_id)
            index[key] = self.shared.setdefault(joined, joined)


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
            result.add_id(item.stock_id, category.id)
        for code in (item.stock_code, *item.scs_codes):
            if code:
                result.add_code(code, category.id)
    for code in category.item_codes:
        result.add_code(code, category.id)


# Changes with what the digest covers, so a new rule never matches an old digest.
DIGEST_FORMAT = b"khaos-sync web category tree 2\n"


def tree_digest(specs: list[CategorySpec], members: Memberships) -> str:
    """SHA-256 of what a run takes from the tree: its live categories and memberships.

    Memberships are taken in sorted order, so listing the same items in another
    order gives the same digest.
    """
    digest = hashlib.sha256(DIGEST_FORMAT)
    digest.update(json.dumps([astuple(spec) for spec in specs]).encode())
    # Entry by entry, not one JSON text: at 100k items that text and its list
    # would sit beside the run's other state at its peak. The separators are
    # control characters XML cannot carry, so no code or id contains them.
    in_order = {group: "\x1e".join(sorted(group)).encode() for group in members.shared.values()}
    for index in (members.by_id, members.by_code):
        digest.update(b"\n")
        for key in sorted(index):
            digest.update(key.encode() + b"\x1f" + in_order[index[key]] + b"\x1d")
    return digest.hexdigest()
