"""What a customer would pay: the shop's own pricing strategy, asked for one product.

Used by the dashboard's price check; the strategy is Oscar's (``get_class``),
so the answer is the one the product page and the basket give.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from oscar.core.loading import get_class

from khaos_sync.mappers.prices import BASE
from khaos_sync.sync.prices.resolve import Customer, customer_of


@dataclass(frozen=True)
class Quote:
    customer: Customer
    quantity: int
    unit_incl_tax: Decimal | None = None
    unit_excl_tax: Decimal | None = None
    line_incl_tax: Decimal | None = None
    source: str = BASE  # customer, class, web or base (the item's own web price)
    list_name: str = ""
    web_price: Decimal | None = None


def quote(product: Any, user: Any, quantity: int) -> Quote:
    strategy = get_class("partner.strategy", "Selector")().strategy(user=user)
    record = strategy.fetch_for_product(product).stockrecord
    customer = customer_of(user)
    if record is None or record.price is None:
        return Quote(customer, quantity)
    price = strategy.pricing_policy(product, record, quantity)
    resolved = strategy.list_price(product, record, quantity)
    return Quote(
        customer=customer,
        quantity=quantity,
        unit_incl_tax=price.incl_tax,
        unit_excl_tax=price.excl_tax,
        line_incl_tax=price.incl_tax * quantity,
        source=resolved.source if resolved else BASE,
        list_name=resolved.list_name if resolved else "",
        web_price=Decimal(record.price),
    )
