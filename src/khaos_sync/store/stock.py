"""Writing Khaos levels into Oscar's stock records, a batch at a time.

Each bound item has one stock record per Khaos site partner; a level write sets
``num_in_stock`` to that site's LEVEL and clears ``num_allocated`` (Khaos's
LEVEL is already net of every order Khaos holds, ours included once exported).
Rows that did not change are not written. The updates are one ``executemany``
per batch: Django's ``bulk_update`` builds a CASE expression per column that
costs several times more on a 100k refresh. Low-stock alerts are opened and
closed once per batch (Oscar's per-save signal does not fire on bulk writes).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import connection
from oscar.core.loading import get_model

from khaos_sync.mappers.products import PARENT
from khaos_sync.mappers.stock import (
    BundleStock,
    ComponentStock,
    ItemStock,
    bundle_stock,
    site_share,
)
from khaos_sync.store.rows import select, table, where_in
from khaos_sync.store.search_index import reindex_products
from khaos_sync.store.sites import partner_code
from khaos_sync.sync.catalogue.models import BundleComponent, ProductBinding
from khaos_sync.sync.stock.models import ItemStock as ItemStockRow

Partner = get_model("partner", "Partner")
Product = get_model("catalogue", "Product")
StockRecord = get_model("partner", "StockRecord")
StockAlert = get_model("partner", "StockAlert")
SITE_PARTNER_PREFIX = partner_code(0)[:-1]  # "khaos-site-"


@dataclass(frozen=True)
class Target:
    """What one bound product's stock should become."""

    binding_id: int
    product_id: int
    browse_id: int  # the product the storefront lists (a variant's parent)
    site_levels: Mapping[int, int]
    level: int
    status: int | None
    due_date: date | None
    fingerprint: str
    is_bundle: bool = False
    components_run_to_zero: bool = False
    entries_digest: str = ""


@dataclass
class LevelWrite:
    """What a batch changed, for the follow-up work (alerts, packs, search)."""

    changed: int = 0
    unchanged: int = 0
    unbound: list[str] = field(default_factory=list)
    changed_codes: list[str] = field(default_factory=list)
    changed_binding_ids: list[int] = field(default_factory=list)
    bundle_binding_ids: list[int] = field(default_factory=list)
    record_ids: list[int] = field(default_factory=list)
    flipped_browse_ids: list[int] = field(default_factory=list)

    def add(self, other: LevelWrite) -> None:
        for name in self.__dataclass_fields__:
            value = getattr(other, name)
            if isinstance(value, list):
                getattr(self, name).extend(value)
            else:
                setattr(self, name, getattr(self, name) + value)


def site_partner_ids(site_ids: Sequence[int]) -> dict[int, int]:
    """Partner primary key of each chosen site, in the chosen order."""
    codes = {partner_code(site): site for site in site_ids}
    found = dict(Partner.objects.filter(code__in=codes).values_list("code", "pk"))
    return {codes[code]: found[code] for code in codes if code in found}


def apply_levels(
    items: Sequence[ItemStock], partner_ids: Mapping[int, int], now: datetime
) -> LevelWrite:
    """The one way Khaos levels reach the shop: the scheduled pull and the checkout's live check.

    Writes the items' levels, then rebuilds the packs they are components of
    (or that are among them). Call inside a transaction; the alerts follow
    once it has committed (``refresh_stock_alerts``).
    """
    written = write_levels(items, partner_ids, now)
    packs = bundles_affected(written.changed_codes, written.bundle_binding_ids)
    written.add(refresh_bundles(packs, partner_ids, now))
    return written


def write_levels(
    items: Sequence[ItemStock], partner_ids: Mapping[int, int], now: datetime
) -> LevelWrite:
    """Apply a batch of Khaos levels. Call inside a transaction."""
    result = LevelWrite()
    bound = bindings_of(items)
    bundles = bundle_ids_among([b[0] for b in bound.values()])
    targets, codes = [], {}
    for item in items:
        row = bound.get(item.stock_id) or bound.get(f"code:{item.stock_code}")
        if row is None:
            result.unbound.append(item.stock_code or item.stock_id)
            continue
        binding_id, code, product_id, parent_id = row
        if binding_id in bundles:
            # A pack's level is made from its components, not from its own LEVEL.
            result.bundle_binding_ids.append(binding_id)
            continue
        codes[binding_id] = code
        targets.append(
            Target(
                binding_id=binding_id,
                product_id=product_id,
                browse_id=parent_id or product_id,
                site_levels=dict(item.site_levels),
                level=item.level,
                status=item.status,
                due_date=item.due_date,
                fingerprint=item.fingerprint,
                entries_digest=item.entries_digest,
            )
        )
    result.add(write_targets(targets, partner_ids, now))
    result.changed_codes = [codes[b] for b in result.changed_binding_ids]
    return result


def bindings_of(items: Sequence[ItemStock]) -> dict[str, tuple[int, str, int, int | None]]:
    """Sellable bindings by STOCK_ID, and by ``code:<STOCK_CODE>`` for entries without an id.

    Plain SQL with the batch's ids as one parameter: a refresh reads every
    item's binding, and Django's ``IN`` lookups cost more than the query.
    """
    sellable = (
        f"SELECT b.id, b.stock_id, b.stock_code, b.product_id, p.parent_id"
        f" FROM {table(ProductBinding)} b JOIN {table(Product)} p ON p.id = b.product_id"
        " WHERE b.structure <> %s AND "
    )
    found: dict[str, tuple[int, str, int, int | None]] = {}
    ids = [i.stock_id for i in items if i.stock_id]
    in_ids, params = where_in("b.stock_id", ids)
    for pk, stock_id, code, product_id, parent_id in select(sellable + in_ids, [PARENT, *params]):
        found[stock_id] = (pk, code, product_id, parent_id)
    by_code = [i.stock_code for i in items if i.stock_id not in found and i.stock_code]
    if by_code:
        in_codes, params = where_in("b.stock_code", by_code)
        for pk, _stock_id, code, product_id, parent_id in select(
            sellable + in_codes, [PARENT, *params]
        ):
            found[f"code:{code}"] = (pk, code, product_id, parent_id)
    return found


def known_entries(codes: Sequence[str]) -> dict[str, str]:
    """The Khaos entries each of these codes' sellable items was last read from.

    Keyed as :func:`bindings_of` matches an entry: by STOCK_ID, and by
    ``code:<STOCK_CODE>`` where the code names one bound item only.
    """
    in_codes, params = where_in("b.stock_code", codes)
    rows = select(
        f"SELECT b.stock_id, b.stock_code, s.entries_digest FROM {table(ItemStockRow)} s"
        f" JOIN {table(ProductBinding)} b ON b.id = s.binding_id"
        f" WHERE s.entries_digest <> '' AND b.structure <> %s AND {in_codes}",
        [PARENT, *params],
    )
    known: dict[str, str] = {}
    shared: set[str] = set()
    for stock_id, code, digest in rows:
        known[stock_id] = digest
        key = f"code:{code}"
        if key in known:
            shared.add(key)  # a code two items share cannot say which one an entry is
        known[key] = digest
    for key in shared:
        del known[key]
    return known


def bundle_ids_among(binding_ids: Sequence[int]) -> set[int]:
    """The bindings among these that are pack headers."""
    if not binding_ids:
        return set()
    in_ids, params = where_in("bundle_id", binding_ids)
    return {
        pk
        for (pk,) in select(
            f"SELECT DISTINCT bundle_id FROM {table(BundleComponent)} WHERE {in_ids}", params
        )
    }


# (fingerprint, level, entries digest) of an item with no stock row yet.
NO_ROW = ("", 0, "")


def write_targets(
    targets: Sequence[Target], partner_ids: Mapping[int, int], now: datetime
) -> LevelWrite:
    result = LevelWrite()
    in_ids, params = where_in("binding_id", [t.binding_id for t in targets])
    previous = (
        {
            binding_id: (fingerprint, level, digest)
            for binding_id, fingerprint, level, digest in select(
                f"SELECT binding_id, fingerprint, level, entries_digest FROM {table(ItemStockRow)}"
                f" WHERE {in_ids}",
                params,
            )
        }
        if targets
        else {}
    )
    changed = [t for t in targets if previous.get(t.binding_id, NO_ROW)[0] != t.fingerprint]
    result.unchanged = len(targets) - len(changed)
    note_entries_digests(
        [t for t in targets if t.entries_digest != previous.get(t.binding_id, NO_ROW)[2]],
        changed,
    )
    if not changed:
        return result
    result.changed = len(changed)
    result.changed_binding_ids = [t.binding_id for t in changed]
    result.record_ids = update_records(changed, partner_ids, now)
    save_item_stock(changed, now)
    result.flipped_browse_ids = [
        t.browse_id for t in changed if (previous.get(t.binding_id, NO_ROW)[1] > 0) != (t.level > 0)
    ]
    return result


def note_entries_digests(differing: Sequence[Target], changed: Sequence[Target]) -> None:
    """Unchanged rows read from other entries than last time: the new entries' digest.

    (Changed rows get theirs with the rest of the row.) A write that does not
    know its entries (the checkout's live check) leaves an unchanged row's alone.
    """
    written = {t.binding_id for t in changed}
    rows = [
        (t.entries_digest, t.binding_id)
        for t in differing
        if t.entries_digest and t.binding_id not in written
    ]
    if rows:
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {table(ItemStockRow)} SET entries_digest = %s WHERE binding_id = %s", rows
            )


def update_records(
    targets: Sequence[Target], partner_ids: Mapping[int, int], now: datetime
) -> list[int]:
    """Set each site record's level; returns the ids of the records that changed."""
    site_of_partner = {pk: site for site, pk in partner_ids.items()}
    wanted = {t.product_id: t for t in targets}
    # Records of a site no longer chosen for the web are emptied, not left behind.
    rows = StockRecord.objects.filter(
        product_id__in=wanted, partner__code__startswith=SITE_PARTNER_PREFIX
    ).values_list("pk", "product_id", "partner_id", "num_in_stock", "num_allocated")
    stamp = connection.ops.adapt_datetimefield_value(now)
    updates = []
    for pk, product_id, partner_id, in_stock, allocated in rows:
        site = site_of_partner.get(partner_id)
        level = 0 if site is None else max(wanted[product_id].site_levels.get(site, 0), 0)
        if (in_stock, allocated or 0) != (level, 0):
            updates.append((level, stamp, pk))
    if updates:
        table = connection.ops.quote_name(StockRecord._meta.db_table)
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {table} SET num_in_stock = %s, num_allocated = 0, date_updated = %s"
                " WHERE id = %s",
                updates,
            )
    return [pk for _level, _now, pk in updates]


def save_item_stock(targets: Sequence[Target], now: datetime) -> None:
    """Insert or update the items' stock rows: one statement for the whole batch.

    ``INSERT … ON CONFLICT … DO UPDATE`` reads the same on SQLite and
    PostgreSQL; it is several times cheaper than building model instances.
    """
    ops = connection.ops
    table = ops.quote_name(ItemStockRow._meta.db_table)
    stamp = ops.adapt_datetimefield_value(now)
    rows = [
        (
            t.binding_id, t.level, t.status, ops.adapt_datefield_value(t.due_date),
            json.dumps({str(site): level for site, level in t.site_levels.items()}),
            t.is_bundle, t.components_run_to_zero, t.fingerprint, t.entries_digest, stamp,
        )
        for t in targets
    ]  # fmt: skip
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} (binding_id, level, status, due_date, site_levels, is_bundle,"
            " components_run_to_zero, fingerprint, entries_digest, synced_at)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
            " ON CONFLICT (binding_id) DO UPDATE SET level = EXCLUDED.level,"
            " status = EXCLUDED.status, due_date = EXCLUDED.due_date,"
            " site_levels = EXCLUDED.site_levels, is_bundle = EXCLUDED.is_bundle,"
            " components_run_to_zero = EXCLUDED.components_run_to_zero,"
            " fingerprint = EXCLUDED.fingerprint, entries_digest = EXCLUDED.entries_digest,"
            " synced_at = EXCLUDED.synced_at",
            rows,
        )


# --- packs (mapping §4) ---


def bundles_affected(codes: Iterable[str], binding_ids: Iterable[int]) -> list[int]:
    """Pack headers with a component among ``codes`` or among the headers given."""
    in_codes, code_params = where_in("component_code", list(codes))
    in_ids, id_params = where_in("bundle_id", list(binding_ids))
    rows = select(
        f"SELECT DISTINCT bundle_id FROM {table(BundleComponent)} WHERE {in_codes} OR {in_ids}",
        [*code_params, *id_params],
    )
    return sorted(pk for (pk,) in rows)


def all_bundles() -> list[int]:
    return sorted(set(BundleComponent.objects.values_list("bundle_id", flat=True)))


def refresh_bundles(
    bundle_ids: Sequence[int], partner_ids: Mapping[int, int], now: datetime
) -> LevelWrite:
    """Recompute packs from their components' levels. Call inside a transaction."""
    if not bundle_ids:
        return LevelWrite()
    recipes: dict[int, list[tuple[Decimal, str]]] = {}
    for bundle_id, code, quantity in BundleComponent.objects.filter(
        bundle_id__in=bundle_ids
    ).values_list("bundle_id", "component_code", "quantity"):
        recipes.setdefault(bundle_id, []).append((quantity, code))
    components = component_stock({code for recipe in recipes.values() for _q, code in recipe})
    headers = ProductBinding.objects.filter(pk__in=recipes).values_list(
        "pk", "product_id", "product__parent_id"
    )
    sites = list(partner_ids)
    targets = []
    for binding_id, product_id, parent_id in headers:
        pack = bundle_stock([(q, components.get(code)) for q, code in recipes[binding_id]])
        targets.append(bundle_target(binding_id, product_id, parent_id, pack, sites))
    return write_targets(targets, partner_ids, now)


def bundle_target(
    binding_id: int, product_id: int, parent_id: int | None, pack: BundleStock, sites: list[int]
) -> Target:
    quantity = pack.quantity or 0
    return Target(
        binding_id=binding_id,
        product_id=product_id,
        browse_id=parent_id or product_id,
        site_levels=site_share(quantity, sites),
        level=quantity,
        status=pack.status,
        due_date=None,
        fingerprint=f"pack:{pack.quantity}:{pack.run_to_zero}:{pack.discontinued}:{sites}",
        is_bundle=True,
        components_run_to_zero=pack.run_to_zero,
    )


def component_stock(codes: set[str]) -> dict[str, ComponentStock]:
    rows = ProductBinding.objects.filter(stock_code__in=codes).values_list(
        "stock_code", "run_to_zero", "stock_controlled", "stock__level", "stock__status"
    )
    return {
        code: ComponentStock(
            level=level or 0,
            status=status,
            run_to_zero=run_to_zero,
            stock_controlled=controlled,
        )
        for code, run_to_zero, controlled, level, status in rows
    }


# --- follow-up work after a batch ---


def refresh_stock_alerts(record_ids: Sequence[int], now: datetime) -> int:
    """Open or close Oscar's low-stock alerts for these records; returns alerts opened."""
    if not record_ids:
        return 0
    records = list(StockRecord.objects.filter(pk__in=record_ids, low_stock_threshold__isnull=False))
    if not records:
        return 0
    open_ids = set(
        StockAlert.objects.filter(stockrecord__in=records, status=StockAlert.OPEN).values_list(
            "stockrecord_id", flat=True
        )
    )
    new = [
        StockAlert(stockrecord=r, threshold=r.low_stock_threshold)
        for r in records
        if r.is_below_threshold and r.pk not in open_ids
    ]
    StockAlert.objects.bulk_create(new)
    recovered = [r.pk for r in records if not r.is_below_threshold and r.pk in open_ids]
    StockAlert.objects.filter(stockrecord_id__in=recovered, status=StockAlert.OPEN).update(
        status=StockAlert.CLOSED, date_closed=now
    )
    return len(new)


def reindex_flipped(browse_ids: Sequence[int]) -> None:
    """Products that went in or out of stock: the index's stock facet must follow."""
    reindex_products(list(browse_ids))


def bound_sellable_codes() -> list[str]:
    """Every bound item that has a level of its own (everything but SCS parents)."""
    return list(
        ProductBinding.objects.exclude(structure=PARENT)
        .order_by("stock_code")
        .values_list("stock_code", flat=True)
    )


def level_row(product: Any) -> tuple[int | None, int | None]:
    """(sellable level, status) of a product as the stock sync left it."""
    binding = getattr(product, "khaos", None)
    stock = getattr(binding, "stock", None) if binding is not None else None
    return (None, None) if stock is None else (stock.level, stock.status)
