"""Khaos stock status entries to what the shop should hold (mapping.md §2–§4).

Pure functions, no Django: ExportStockStatus entries of one item (one per
site with SiteID -1) become an :class:`ItemStock` — the level of each site the
retailer chose, the combined Khaos STATUS and the next due date; a pack's
components become the pack's buildable quantity (:func:`bundle_stock`).
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from khaos_sync.protocol.documents.stock_status import StockStatus, StockStatusCode

IN_STOCK = StockStatusCode.IN_STOCK
OUT_OF_STOCK_NOT_DUE = StockStatusCode.OUT_OF_STOCK_NOT_DUE
DISCONTINUED = StockStatusCode.DISCONTINUED
NOT_STOCK_CONTROLLED = StockStatusCode.NOT_STOCK_CONTROLLED


class StockMappingError(ValueError):
    """The entries of an item cannot be read as levels (no id, unknown site …)."""


@dataclass(frozen=True)
class Site:
    site_id: int
    name: str


@dataclass(frozen=True)
class ItemStock:
    """One Khaos item as the shop should see it."""

    stock_id: str
    stock_code: str
    site_levels: tuple[tuple[int, int], ...]  # (site id, level) for the chosen sites
    status: int | None
    due_date: date | None
    # Names the Khaos entries it was read from (with the sites they were read for):
    # a later answer with the same digest needs no reading. Empty when unknown.
    entries_digest: str = ""

    @property
    def level(self) -> int:
        """The sellable quantity: the sum over the chosen sites (may be negative)."""
        return sum(level for _site, level in self.site_levels)

    def level_at(self, site_id: int) -> int:
        return dict(self.site_levels).get(site_id, 0)

    @property
    def fingerprint(self) -> str:
        text = f"{self.site_levels}|{self.status}|{self.due_date}"
        return hashlib.blake2b(text.encode(), digest_size=8).hexdigest()


def whole(level: Decimal | None) -> int:
    # Khaos holds decimal quantities; the shop sells whole units, never more than there is.
    return 0 if level is None else math.floor(level)


def item_key(entry: StockStatus) -> str:
    return entry.stock_id or entry.stock_code or ""


def group_by_item(entries: Iterable[StockStatus]) -> dict[str, list[StockStatus]]:
    """Entries of each item (one per site with SiteID -1), in document order."""
    groups: dict[str, list[StockStatus]] = {}
    for entry in entries:
        groups.setdefault(item_key(entry), []).append(entry)
    return groups


def resolve_sites(
    entries: Sequence[StockStatus], sites: Sequence[Site], default_site: int
) -> list[int]:
    """The site id of each entry.

    An entry that names its site (by name or id) is taken at its word. Khaos's
    all-sites export may name only the document ("All Sites"); its entries then
    follow the site list's order, one per site.
    """
    by_name = {site.name.casefold(): site.site_id for site in sites}
    ids = {str(site.site_id): site.site_id for site in sites}
    named = [
        by_name.get((e.site or "").casefold(), ids.get((e.site or "").strip())) for e in entries
    ]
    if all(site is not None for site in named) and len(set(named)) == len(named):
        return [site for site in named if site is not None]
    if len(entries) == len(sites):
        return [site.site_id for site in sites]
    if len(entries) == 1:
        return [named[0] if named[0] is not None else default_site]
    raise StockMappingError(
        f"{len(entries)} stock status entries for {item_key(entries[0])!r} "
        f"do not match the {len(sites)} sites Khaos lists"
    )


def combined_status(statuses: Iterable[int | None]) -> int | None:
    """Item-wide STATUS: discontinued or untracked anywhere wins, else the best site's."""
    known = [s for s in statuses if s is not None]
    if not known:
        return None
    for decisive in (DISCONTINUED, NOT_STOCK_CONTROLLED):
        if decisive in known:
            return int(decisive)
    return min(known)


def map_item_stock(
    entries: Sequence[StockStatus],
    sites: Sequence[Site],
    chosen: Sequence[int],
    default_site: int,
) -> ItemStock:
    """The entries of one item → its levels at the chosen sites, status and due date."""
    first = entries[0]
    if not first.stock_id and not first.stock_code:
        raise StockMappingError("stock status entry without CODE or ID")
    site_ids = resolve_sites(entries, sites, default_site)
    mine = [(site, entry) for site, entry in zip(site_ids, entries, strict=True) if site in chosen]
    levels = {site: whole(entry.level) for site, entry in mine}
    due = [entry.lead_time for _site, entry in mine if entry.lead_time is not None]
    return ItemStock(
        stock_id=first.stock_id or "",
        stock_code=first.stock_code or "",
        site_levels=tuple((site, levels.get(site, 0)) for site in chosen),
        status=combined_status(entry.status for _site, entry in mine),
        due_date=min(due) if due else None,
    )


# --- bundles (mapping §4) ---


@dataclass(frozen=True)
class ComponentStock:
    """What the shop knows of one pack component."""

    level: int
    status: int | None
    run_to_zero: bool
    stock_controlled: bool = True


@dataclass(frozen=True)
class BundleStock:
    quantity: int | None  # None: no component limits it
    run_to_zero: bool  # a component refuses back orders, so the pack does too
    discontinued: bool

    @property
    def status(self) -> int:
        if self.discontinued:
            return int(DISCONTINUED)
        if self.quantity is None:
            return int(NOT_STOCK_CONTROLLED)
        return int(IN_STOCK if self.quantity > 0 else OUT_OF_STOCK_NOT_DUE)


def bundle_stock(components: Sequence[tuple[Decimal, ComponentStock | None]]) -> BundleStock:
    """Packs that can be made: min over components of floor(level ÷ quantity per pack).

    A component the shop does not hold counts as none in stock; an untracked
    one (STATUS 5) does not limit the pack.
    """
    limits: list[int] = []
    run_to_zero = discontinued = False
    for per_pack, component in components:
        if component is None:
            limits.append(0)
            continue
        if component.status == DISCONTINUED:
            discontinued = True
        if component.status == NOT_STOCK_CONTROLLED or not component.stock_controlled:
            continue
        run_to_zero = run_to_zero or component.run_to_zero
        divisor = per_pack if per_pack > 0 else Decimal(1)
        limits.append(math.floor(Decimal(max(component.level, 0)) / divisor))
    return BundleStock(
        quantity=min(limits) if limits else None,
        run_to_zero=run_to_zero,
        discontinued=discontinued,
    )


def site_share(total: int, site_ids: Sequence[int]) -> Mapping[int, int]:
    """A pack's quantity as per-site stock records: all of it on the first site."""
    return {site: (max(total, 0) if index == 0 else 0) for index, site in enumerate(site_ids)}
