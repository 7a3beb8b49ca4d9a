"""``dump prices``: every stored price list in a stable form, for checking and support."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings

from khaos_sync.mappers.prices import Candidate, unit_gross
from khaos_sync.sync.catalogue.models import ProductBinding
from khaos_sync.sync.prices.models import PriceList


def dump_price_lists() -> list[dict[str, Any]]:
    lists = PriceList.objects.prefetch_related("assignments", "entries")
    codes = {entry.stock_code for price_list in lists for entry in price_list.entries.all()}
    items = shop_items(codes)
    return [dump_list(price_list, items) for price_list in lists]


def dump_list(
    price_list: PriceList, items: dict[str, tuple[Decimal, Decimal | None]]
) -> dict[str, Any]:
    return {
        "name": price_list.name,
        "source": price_list.source,
        "prices": "net" if price_list.is_net else "gross",
        "assignments": [{"kind": a.kind, "value": a.value} for a in price_list.assignments.all()],
        "entries": [
            dump_entry(price_list, entry, items.get(entry.stock_code))
            for entry in price_list.entries.all()
        ],
    }


def dump_entry(
    price_list: PriceList, entry: Any, item: tuple[Decimal, Decimal | None] | None
) -> dict[str, Any]:
    candidate = Candidate(
        list_name=price_list.name,
        source="",
        is_net=price_list.is_net,
        qty_start=entry.qty_start,
        qty_end=entry.qty_end,
        amount=entry.amount,
        discount_percent=entry.discount_percent,
    )
    resolved = None
    if item is not None and item[1] is not None:
        resolved = str(unit_gross(candidate, item[0], item[1]))
    return {
        "stock_code": entry.stock_code,
        "qty_start": entry.qty_start,
        "qty_end": entry.qty_end,
        "prices": "net" if price_list.is_net else "gross",
        "amount": None if entry.amount is None else plain(entry.amount),
        "discount_percent": plain(entry.discount_percent),
        # The unit price incl. VAT this entry gives in the shop, at its starting quantity;
        # null when the item is not in the shop (or has no price).
        "unit_price_incl_vat": resolved,
    }


def plain(value: Decimal) -> str:
    """Without trailing zeros or an exponent: 10, 7.5, 0.125."""
    return format(value.normalize(), "f")


def shop_items(codes: set[str]) -> dict[str, tuple[Decimal, Decimal | None]]:
    """Per stock code: the product's VAT rate and its web price (gross)."""
    default = Decimal(settings.KHAOS_SYNC_DEFAULT_VAT_RATE)
    bindings = ProductBinding.objects.filter(stock_code__in=codes).select_related(
        "product", "product__parent"
    )
    items: dict[str, tuple[Decimal, Decimal | None]] = {}
    for binding in bindings:
        product = binding.product
        rate = product.vat_rate
        if rate is None and product.parent_id:
            rate = product.parent.vat_rate
        prices = [r.price for r in product.stockrecords.all() if r.price is not None]
        items[binding.stock_code] = (
            default if rate is None else Decimal(rate),
            max(prices) if prices else None,
        )
    return items
