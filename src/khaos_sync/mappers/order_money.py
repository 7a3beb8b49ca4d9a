"""Khaos Control's order arithmetic, as its integration guide states it.

Used by the order builder to choose unit prices that make Khaos's own figures
equal the shop's, and to check the result before anything is sent. Per line,
with q the quantity, v the VAT rate (0.2 for 20%) and d the line discount %:

- gross method, g the gross unit price: discount = round(q·g·d/100);
  net = round(round(q·g)/(1+v) − discount/(1+v)); VAT = round(q·g − discount − net);
  the line gross is q·g − discount.
- net method, n the net unit price: discount = round(q·n·d/100);
  net = round(q·n − discount); VAT = round(net·v); the line gross is net + VAT.

Rounding is to pennies, half away from zero. Which method applies is decided
by the customer's company class in Khaos. A line sent at the other kind of
price is converted first: a net price n is the gross price n·(1+v), a gross
price g the net price g/(1+v), unrounded.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Final

PENNY: Final = Decimal("0.01")
GROSS: Final = "gross"
NET: Final = "net"


def money(value: Decimal) -> Decimal:
    """Rounded to the penny, half away from zero."""
    return value.quantize(PENNY, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class LineFigures:
    net: Decimal
    vat: Decimal
    gross: Decimal


def khaos_line(
    quantity: int,
    unit_price: Decimal,
    rate: Decimal,
    *,
    price_is_net: bool,
    method: str,
    discount_percent: Decimal = Decimal("0"),
) -> LineFigures:
    """What Khaos books for one order line; ``rate`` is a fraction (0.2)."""
    q, d = Decimal(quantity), discount_percent
    if method == GROSS:
        g = unit_price * (1 + rate) if price_is_net else unit_price
        discount = money(q * g * d / 100)
        net = money(money(q * g) / (1 + rate) - discount / (1 + rate))
        # The VAT is the remainder of the unrounded q·g: with a unit price finer than
        # pennies, net + VAT is not always round(q·g) − discount.
        vat = money(q * g - discount - net)
        return LineFigures(net, vat, net + vat)
    n = unit_price if price_is_net else unit_price / (1 + rate)
    discount = money(q * n * d / 100)
    net = money(q * n - discount)
    vat = money(net * rate)
    return LineFigures(net, vat, net + vat)


def net_for_gross(gross: Decimal, rate: Decimal) -> Decimal | None:
    """The line net whose net-method gross (net + round(net·v)) is ``gross``, if any."""
    guess = money(gross / (1 + rate))
    for step in (0, -1, 1, -2, 2):
        net = guess + step * PENNY
        if net >= 0 and net + money(net * rate) == gross:
            return net
    return None


def gross_method_vat(gross: Decimal, rate: Decimal) -> Decimal:
    """The VAT Khaos's gross method takes out of a line gross (no line discount)."""
    return gross - money(gross / (1 + rate))
