"""Price list rules: Khaos price breaks → stored entries, and the price a customer pays.

Pure: no Django. The shop side (``sync/prices/resolve.py``) loads the entries
that apply to a customer and a product and asks :func:`best_unit_gross`.

- An entry's price is ``AmountValue`` less ``DiscountValue`` % (Khaos's
  discount is a percentage off the amount). An entry with no amount but a
  discount is that percentage off the item's own web price. ``MarkUp`` needs
  the buy price, which the shop does not keep: such an entry is refused.
- A net list's price gets the item's VAT added, rounded to the penny (half
  away from zero, as Khaos rounds); a gross list's price is used as it is.
  The shop charges whole-penny gross unit prices, so the order sends exactly
  what the basket showed.
- Quantity ranges are inclusive: ``QtyStart`` ≤ quantity ≤ ``QtyEnd``; no
  ``QtyEnd`` means no upper limit.
- Which price wins when several apply is :data:`RULES` (``[prices] rule``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from khaos_sync.money import HUNDRED, gross_from_net, to_pennies

# Where a price comes from, most specific first.
CUSTOMER: Final = "customer"
CLASS: Final = "class"
WEB: Final = "web"
BASE: Final = "base"  # the item's own web price (SELL_PRICE_WEB)
SPECIFICITY: Final = {CUSTOMER: 0, CLASS: 1, WEB: 2, BASE: 3}

LOWEST: Final = "lowest"
MOST_SPECIFIC: Final = "most-specific"
RULES: Final = (LOWEST, MOST_SPECIFIC)

# PriceType of the Khaos Control Cloud upload.
PRICE_TYPE_AMOUNT: Final = 1
PRICE_TYPE_DISCOUNT: Final = 2


class PriceRuleError(ValueError):
    """A price break the shop cannot turn into a price; the message says why."""


@dataclass(frozen=True, slots=True)
class EntrySpec:
    """One price break as stored: a fixed amount, or a percentage off the web price."""

    stock_code: str
    qty_start: int
    qty_end: int | None
    amount: Decimal | None
    discount_percent: Decimal


@dataclass(frozen=True, slots=True)
class Candidate:
    """A stored entry that applies to a customer, with where it came from."""

    list_name: str
    source: str  # CUSTOMER, CLASS or WEB
    is_net: bool
    qty_start: int
    qty_end: int | None
    amount: Decimal | None
    discount_percent: Decimal


@dataclass(frozen=True, slots=True)
class Resolved:
    unit_gross: Decimal
    source: str
    list_name: str  # "" for the base price


def entry_from_break(
    stock_code: str | None,
    qty_start: Decimal | None,
    qty_end: Decimal | None,
    amount: Decimal | None,
    discount: Decimal | None,
    markup: Decimal | None,
) -> EntrySpec:
    """A KSDXMLPriceLists ``StockItem`` break as an entry."""
    if not stock_code:
        raise PriceRuleError("a price break has no StockCode")
    start = _quantity(qty_start, 1, stock_code, "QtyStart")
    end = None if qty_end is None else _quantity(qty_end, start, stock_code, "QtyEnd")
    discount = discount or Decimal(0)
    if discount < 0 or discount > HUNDRED:
        raise PriceRuleError(f"{stock_code}: DiscountValue {discount} is not a percentage")
    if amount is not None and amount < 0:
        raise PriceRuleError(f"{stock_code}: AmountValue {amount} is negative")
    if not amount:
        if markup:
            raise PriceRuleError(
                f"{stock_code}: a mark-up price needs the buy price, which the shop does not keep"
            )
        if not discount:
            raise PriceRuleError(f"{stock_code}: a price break with no amount and no discount")
        amount = None
    return EntrySpec(stock_code, start, end, amount, discount)


def entry_from_upload(
    stock_code: str | None,
    qty_start: Decimal | None,
    qty_end: Decimal | None,
    price_value: Decimal | None,
    price_type: int | None,
) -> EntrySpec:
    """A Khaos Control Cloud ``StockPrices`` entry as an entry."""
    if price_value is None:
        raise PriceRuleError(f"{stock_code}: a stock price has no PriceValue")
    if price_type in (None, PRICE_TYPE_AMOUNT):
        return entry_from_break(stock_code, qty_start, qty_end, price_value, None, None)
    if price_type == PRICE_TYPE_DISCOUNT:
        return entry_from_break(stock_code, qty_start, qty_end, None, price_value, None)
    raise PriceRuleError(f"{stock_code}: PriceType {price_type} is not understood")


def _quantity(value: Decimal | None, default: int, code: str, name: str) -> int:
    if value is None:
        return default
    if value != value.to_integral_value() or value < default:
        raise PriceRuleError(f"{code}: {name} {value} is not a whole quantity ≥ {default}")
    return int(value)


def covers(candidate: Candidate, quantity: int) -> bool:
    return candidate.qty_start <= quantity and (
        candidate.qty_end is None or quantity <= candidate.qty_end
    )


def unit_gross(candidate: Candidate, vat_rate: Decimal, base_gross: Decimal) -> Decimal:
    """The VAT-inclusive unit price of an entry, to the penny."""
    if candidate.amount is None:
        # A percentage off the item's web price, which is gross.
        return to_pennies(base_gross * (HUNDRED - candidate.discount_percent) / HUNDRED)
    price = candidate.amount * (HUNDRED - candidate.discount_percent) / HUNDRED
    return gross_from_net(price, vat_rate) if candidate.is_net else to_pennies(price)


def best_unit_gross(
    candidates: Iterable[Candidate],
    quantity: int,
    vat_rate: Decimal,
    base_gross: Decimal,
    rule: str = LOWEST,
) -> Resolved:
    """The unit price (incl. VAT) charged for ``quantity`` of an item.

    ``lowest``: the lowest of every applicable entry and the item's web price
    (a web price list, when one applies, stands in for the web price).
    ``most-specific``: the customer's own list, else their class's, else the
    web price list, else the web price; the lowest within that tier.
    """
    if rule not in RULES:
        raise PriceRuleError(f"unknown price rule {rule!r}; use one of {', '.join(RULES)}")
    options = [
        Resolved(unit_gross(c, vat_rate, base_gross), c.source, c.list_name)
        for c in candidates
        if covers(c, quantity)
    ]
    web = [o for o in options if o.source == WEB]
    base = min(web, key=_order) if web else Resolved(to_pennies(base_gross), BASE, "")
    options = [o for o in options if o.source != WEB] + [base]
    if rule == MOST_SPECIFIC:
        tier = min(SPECIFICITY[o.source] for o in options)
        options = [o for o in options if SPECIFICITY[o.source] == tier]
    return min(options, key=_order)


def _order(option: Resolved) -> tuple[Decimal, int, str]:
    # Ties go to the more specific source, then to the list name: the same answer every time.
    return option.unit_gross, SPECIFICITY[option.source], option.list_name


def quantity_breaks(candidates: Sequence[Candidate]) -> list[int]:
    """The quantities at which some entry starts: where a price may change."""
    return sorted({c.qty_start for c in candidates} | {1})
