"""Khaos's order arithmetic, as its integration guide states it.

Per line, q the quantity, v the VAT rate, d the line discount % (KSD_DISCOUNT);
rounding to pennies, half away from zero; the discount comes off the line
total, not each unit.

- Gross method (g, the gross unit price): discount = round(q·g·d/100);
  net = round(round(q·g)/(1+v) − discount/(1+v)); VAT = round(q·g − discount − net).
- Net method (n, the net unit price): discount = round(q·n·d/100);
  net = round(q·n − discount); VAT = round(net·v).

Which method applies is the customer's company class's. A line priced the
other way is converted first: n·(1+v) is its gross unit price, g/(1+v) its net.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

PENNY = Decimal("0.01")
HUNDRED = Decimal("100")


def round_money(value: Decimal) -> Decimal:
    return value.quantize(PENNY, rounding=ROUND_HALF_UP)


def line_amounts(
    unit_price: Decimal,
    qty: int,
    vat_rate: Decimal,
    *,
    is_net: bool,
    discount: Decimal,
    method: str = "gross",
) -> tuple[Decimal, Decimal, Decimal]:
    """(net, vat, gross) of one order line; ``vat_rate`` and ``discount`` in %."""
    v = vat_rate / HUNDRED
    q = Decimal(qty)
    if method == "gross":
        g = unit_price * (1 + v) if is_net else unit_price
        off = round_money(q * g * discount / HUNDRED)
        net = round_money(round_money(q * g) / (1 + v) - off / (1 + v))
        vat = round_money(q * g - off - net)
        return net, vat, net + vat
    n = unit_price if is_net else unit_price / (1 + v)
    off = round_money(q * n * discount / HUNDRED)
    net = round_money(q * n - off)
    vat = round_money(net * v)
    return net, vat, net + vat


def delivery_amounts(
    net: Decimal | None, tax: Decimal | None, gross: Decimal | None, default_gross: Decimal
) -> tuple[Decimal, Decimal]:
    """(net, gross) of the delivery charge.

    DELIVERY_GRS is taken to be at the standard rate; DELIVERY_NET + DELIVERY_TAX
    book exactly the VAT sent (when both are sent, the net wins). Blank means
    Khaos calculates it (here: the configured default charge), -1 means no
    delivery, 0 free delivery.
    """
    if net is not None:
        if net < 0:
            return Decimal("0"), Decimal("0")
        return net, net + (tax or Decimal("0"))
    if gross is not None:
        if gross < 0:
            return Decimal("0"), Decimal("0")
        return round_money(gross / Decimal("1.2")), gross
    return round_money(default_gross / Decimal("1.2")), default_gross
