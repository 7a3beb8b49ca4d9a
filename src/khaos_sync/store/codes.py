"""Which product holds a Khaos stock code, when Khaos gives one code to several items.

Identity is the STOCK_ID binding; the code is only the shop's SKU (``Product.upc``,
unique). Real Khaos data reuses codes (an item recreated, a deleted item keeping
its code, a code moved to another item). Of the items carrying a code, the one
Khaos sent most recently holds it: a live item before a deleted one, then the
later revision date when every claimant has one, else the later arrival. The
others keep everything but the SKU, are unbuyable, and get a review flag. The
same rule settles the code again whenever any claimant changes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from oscar.core.loading import get_model

from khaos_sync.mappers.products import SKU_MAX, ProductSpec, placeholder_sku
from khaos_sync.store.review_flags import close_flags, open_flag
from khaos_sync.store.rows import select, table, where_in
from khaos_sync.sync.catalogue.models import ProductBinding, ReviewFlag

Product = get_model("catalogue", "Product")
StockRecord = get_model("partner", "StockRecord")

EARLIEST = datetime.min


@dataclass(frozen=True)
class Claimant:
    """An item that carries a code: in the batch being written, or bound earlier."""

    stock_id: str
    live: bool
    revised_at: datetime | None
    arrival: tuple[int, float, int]  # (in this batch, earlier write time, position)
    product_id: int | None = None


@dataclass
class CodePlan:
    """What each product's SKU becomes, and who loses a code to whom."""

    codes: dict[str, str | None] = field(default_factory=dict)  # batch stock_id -> SKU
    outside: dict[int, tuple[str, str, str | None]] = field(default_factory=dict)
    # product id -> (stock_id, Khaos code, SKU) for bound items outside the batch
    adopt: set[str] = field(default_factory=set)  # codes a winning new item may adopt
    gained: set[str] = field(default_factory=set)  # codes a product takes in this batch
    losers: dict[str, tuple[int | None, str, str]] = field(default_factory=dict)
    # stock_id -> (product id, code, reason)


def holder(claimants: Sequence[Claimant]) -> Claimant:
    by_date = all(c.revised_at is not None for c in claimants)
    return max(
        claimants,
        key=lambda c: (c.live, (c.revised_at or EARLIEST) if by_date else EARLIEST, c.arrival),
    )


def plan_codes(
    specs: Sequence[ProductSpec],
    bindings: dict[str, ProductBinding],
    revised_at: dict[str, datetime],
) -> CodePlan:
    """Settle every code the batch brings or gives up."""
    plan = CodePlan()
    batch = {s.stock_id for s in specs}
    affected = {s.sku for s in specs} | {
        bindings[s.stock_id].stock_code for s in specs if s.stock_id in bindings
    }
    claimants: dict[str, list[Claimant]] = {code: [] for code in affected}
    # Bound items outside the batch that carry one of these codes (plain SQL: the
    # lists run to the batch's size, which Django's IN lookups build slowly).
    in_codes, code_params = where_in("b.stock_code", list(affected))
    in_batch, batch_params = where_in("b.stock_id", list(batch))
    outside = select(
        f"SELECT b.id FROM {table(ProductBinding)} b WHERE {in_codes} AND NOT ({in_batch})",
        [*code_params, *batch_params],
    )
    columns = (
        "stock_id", "stock_code", "product_id", "product__khaos_deleted",
        "khaos_revised_at", "synced_at", "pk", "product__upc",
    )  # fmt: skip
    rows = (
        # The ORM reads the few found (dates and booleans as Django gives them).
        ProductBinding.objects.filter(pk__in=[pk for (pk,) in outside]).values_list(*columns)
        if outside
        else []
    )
    current: dict[int, str | None] = {}
    for stock_id, code, product_id, deleted, revised, synced, pk, upc in rows:
        arrival = (0, synced.timestamp(), pk)
        claimants[code].append(Claimant(stock_id, not deleted, revised, arrival, product_id))
        current[product_id] = upc or None  # Oscar reads an empty UPC as ""
    for position, spec in enumerate(specs):
        binding = bindings.get(spec.stock_id)
        claimants[spec.sku].append(
            Claimant(
                spec.stock_id,
                not spec.khaos_deleted,
                revised_at.get(spec.stock_id) or (binding.khaos_revised_at if binding else None),
                (1, 0.0, position),
                binding.product_id if binding else None,
            )
        )
    in_upcs, upc_params = where_in("p.upc", list(affected))
    foreign = dict(
        select(
            f"SELECT p.upc, p.id FROM {table(Product)} p WHERE {in_upcs} AND NOT EXISTS"
            f" (SELECT 1 FROM {table(ProductBinding)} b WHERE b.product_id = p.id)",
            upc_params,
        )
    )
    for code, group in claimants.items():
        if not group:
            continue
        settle(code, group, plan, batch, bindings, foreign.get(code), current)
    return plan


def settle(
    code: str,
    group: list[Claimant],
    plan: CodePlan,
    batch: set[str],
    bindings: dict[str, ProductBinding],
    foreign_id: int | None,
    current: dict[int, str | None],
) -> None:
    winner = holder(group)
    new_adopter = winner.stock_id in batch and winner.stock_id not in bindings
    too_long = len(code) > SKU_MAX
    for claimant in group:
        if claimant is winner and not too_long and (foreign_id is None or new_adopter):
            sku: str | None = code
            if foreign_id is not None:
                plan.adopt.add(code)
        else:
            sku = None
            reason = (
                f"stock code {code} is longer than the shop's SKU ({SKU_MAX} characters)"
                if too_long
                else f"stock code {code} is used by shop product #{foreign_id},"
                " which is not from Khaos"
                if claimant is winner
                else f"stock code {code} now belongs to Khaos item {winner.stock_id}"
            )
            plan.losers[claimant.stock_id] = (claimant.product_id, code, reason)
        if claimant.stock_id in batch:
            plan.codes[claimant.stock_id] = sku
        elif claimant.product_id is not None and current.get(claimant.product_id) != sku:
            plan.outside[claimant.product_id] = (claimant.stock_id, code, sku)
            if sku is not None:
                plan.gained.add(sku)


def release_codes(plan: CodePlan, batch_products: dict[str, tuple[int, str | None]]) -> None:
    """Clear the SKUs that move before any is written: a swap must never meet itself.

    ``batch_products``: stock_id -> (product id, current SKU) of bound batch items.
    """
    moving = {pid: (stock_id, code) for pid, (stock_id, code, _sku) in plan.outside.items()}
    for stock_id, (product_id, upc) in batch_products.items():
        if upc and upc != plan.codes.get(stock_id):
            moving[product_id] = (stock_id, upc)
    if not moving:
        return
    Product.objects.filter(pk__in=list(moving)).exclude(upc=None).update(upc=None)
    records = list(StockRecord.objects.filter(product_id__in=list(moving)))
    for record in records:
        stock_id, code = moving[record.product_id]
        record.partner_sku = placeholder_sku(code, stock_id)
    StockRecord.objects.bulk_update(records, ["partner_sku"])


def write_outside(plan: CodePlan) -> None:
    """Bound products outside the batch that gain or lose their code."""
    if not plan.outside:
        return
    products = list(Product.objects.filter(pk__in=list(plan.outside)))
    for product in products:
        product.upc = plan.outside[product.pk][2]
    Product.objects.bulk_update(products, ["upc"])
    records = list(StockRecord.objects.filter(product_id__in=list(plan.outside)))
    for record in records:
        stock_id, code, sku = plan.outside[record.product_id]
        record.partner_sku = sku or placeholder_sku(code, stock_id)
    StockRecord.objects.bulk_update(records, ["partner_sku"])


def flag_codes(plan: CodePlan, products: dict[str, Any], now: datetime) -> None:
    """Open a flag for each item that gave up its code; close those of items that hold one."""
    holders = [s for s, sku in plan.codes.items() if sku is not None]
    holders += [stock_id for stock_id, _code, sku in plan.outside.values() if sku is not None]
    close_flags(ReviewFlag.Kind.CODE, holders, now)
    for stock_id, (product_id, _code, reason) in plan.losers.items():
        product = products.get(stock_id)
        open_flag(
            ReviewFlag.Kind.CODE,
            stock_id,
            product.pk if product is not None else product_id,
            reason,
            now,
        )
