"""Money arithmetic shared by pricing and order export.

Khaos rounds half-up to the penny; so must we, or the shop and the back office
disagree by pennies on totals.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

PENNY = Decimal("0.01")
HUNDRED = Decimal(100)


def to_pennies(amount: Decimal) -> Decimal:
    return amount.quantize(PENNY, rounding=ROUND_HALF_UP)


def gross_from_net(net: Decimal, vat_rate: Decimal) -> Decimal:
    """The VAT-inclusive price Khaos computes for a net figure."""
    return to_pennies(net * (1 + vat_rate / HUNDRED))


def split_gross(gross: Decimal, vat_rate: Decimal) -> tuple[Decimal, Decimal]:
    """Split a gross price into (net, tax) that add back to exactly ``gross``."""
    net = to_pennies(gross / (1 + vat_rate / HUNDRED))
    return net, gross - net
