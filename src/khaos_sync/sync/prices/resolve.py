"""Which price list entries apply to a customer, and the price they pay.

Read by the shop's pricing strategy (product pages, basket lines), the
dashboard's price check and ``dump prices``. The rule itself is pure, in
``mappers/prices.py``; this module finds the customer's Khaos account and class
(from the customer import or the order export, ``CustomerBinding``) and loads
the entries.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Q

from khaos_sync.mappers.prices import CLASS, CUSTOMER, WEB, Candidate, Resolved, best_unit_gross
from khaos_sync.sync.prices.models import PriceListAssignment, PriceListEntry

Kind = PriceListAssignment.Kind
SOURCE_OF_KIND = {Kind.CUSTOMER: CUSTOMER, Kind.CLASS: CLASS, Kind.WEB: WEB}


@dataclass(frozen=True)
class Customer:
    """The Khaos side of a shop account; empty for a visitor or an unlinked account."""

    company_code: str = ""
    company_class: str = ""


ANONYMOUS = Customer()


def customer_of(user: Any) -> Customer:
    if user is None or not getattr(user, "is_authenticated", False):
        return ANONYMOUS
    try:
        binding = user.khaos_customer
    except ObjectDoesNotExist:
        return ANONYMOUS
    return Customer(binding.company_code or "", binding.company_class or "")


def price_rule() -> str:
    return str(settings.KHAOS_SYNC["prices"]["rule"])


def assigned_lists(customer: Customer) -> dict[int, str]:
    """The lists that apply to this customer (id → customer, class or web).

    Only the ``[prices] web_list`` setting assigns lists to the web, so without
    it a visitor needs no query at all.
    """
    if customer == ANONYMOUS and not settings.KHAOS_SYNC["prices"]["web_list"]:
        return {}
    wanted = Q(kind=Kind.WEB)
    if customer.company_code:
        wanted |= Q(kind=Kind.CUSTOMER, value=customer.company_code)
    if customer.company_class:
        wanted |= Q(kind=Kind.CLASS, value=customer.company_class)
    assignments = PriceListAssignment.objects.filter(wanted).values_list("price_list_id", "kind")
    kinds: dict[int, str] = {}
    for list_id, kind in assignments:
        source = SOURCE_OF_KIND[Kind(kind)]
        # A list assigned several ways counts as its most specific assignment.
        if list_id not in kinds or _rank(source) < _rank(kinds[list_id]):
            kinds[list_id] = source
    return kinds


def candidates(
    stock_code: str, customer: Customer, kinds: dict[int, str] | None = None
) -> list[Candidate]:
    """Every entry for this item in a list assigned to this customer, their class or the web."""
    if kinds is None:
        kinds = assigned_lists(customer)
    if not kinds:
        return []
    entries = PriceListEntry.objects.filter(
        stock_code=stock_code, price_list_id__in=kinds
    ).select_related("price_list")
    return [
        Candidate(
            list_name=entry.price_list.name,
            source=kinds[entry.price_list_id],
            is_net=entry.price_list.is_net,
            qty_start=entry.qty_start,
            qty_end=entry.qty_end,
            amount=entry.amount,
            discount_percent=entry.discount_percent,
        )
        for entry in entries
    ]


def _rank(source: str) -> int:
    return (CUSTOMER, CLASS, WEB).index(source)


def resolve(
    found: list[Candidate], quantity: int, vat_rate: Decimal, base_gross: Decimal
) -> Resolved:
    return best_unit_gross(found, max(quantity, 1), vat_rate, base_gross, price_rule())
