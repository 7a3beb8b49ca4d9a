"""Khaos's order arithmetic: VAT per line, rounded half-up to the penny.

Net-priced lines: the discounted unit net is rounded, multiplied by the
quantity, and VAT is the line net times the rate, rounded. Gross-priced lines
(``PRICE_GRS``) keep the gross the shop charged and take the VAT out of it,
rounded. A shop that rounds differently sees totals a few pence apart, which
is exactly what the ORDER_AMOUNT check catches.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

PENNY = Decimal("0.01")
HUNDRED = Decimal("100")


def round_money(value: Decimal) -> Decimal:
    return value.quantize(PENNY, rounding=ROUND_HALF_UP)


def line_amounts(
    unit_price: Decimal, qty: int, vat_rate: Decimal, *, is_net: bool, discount: Decimal
) -> tuple[Decimal, Decimal, Decimal]:
    """(net, vat, gross) of one order line."""
    unit = round_money(unit_price * (HUNDRED - discount) / HUNDRED)
    if is_net:
        net = unit * qty
        vat = round_money(net * vat_rate / HUNDRED)
        return net, vat, net + vat
    gross = unit * qty
    vat = round_money(gross * vat_rate / (HUNDRED + vat_rate))
    return gross - vat, vat, gross


def delivery_amounts(
    net: Decimal | None, tax: Decimal | None, gross: Decimal | None, default_gross: Decimal
) -> tuple[Decimal, Decimal]:
    """(net, gross) of the delivery charge.

    Blank means Khaos calculates it (here: the configured default charge), -1
    means no delivery, 0 free delivery.
    """
    if gross is not None:
        if gross < 0:
            return Decimal("0"), Decimal("0")
        vat = round_money(gross * 20 / 120)
        return gross - vat, gross
    if net is not None:
        if net < 0:
            return Decimal("0"), Decimal("0")
        return net, net + (tax or Decimal("0"))
    vat = round_money(default_gross * 20 / 120)
    return default_gross - vat, default_gross
