"""The price list rules: entries from Khaos breaks, and the price that wins."""

from __future__ import annotations

from decimal import Decimal

import pytest

from khaos_sync.mappers.prices import (
    CLASS,
    CUSTOMER,
    WEB,
    Candidate,
    PriceRuleError,
    best_unit_gross,
    entry_from_break,
    entry_from_upload,
)

D = Decimal
VAT = D("20")


def candidate(source: str, amount: str | None, start: int = 1, end: int | None = None, **kw):
    values = {"is_net": True, "discount_percent": D(0), "list_name": source.title()} | kw
    return Candidate(
        source=source,
        qty_start=start,
        qty_end=end,
        amount=None if amount is None else D(amount),
        **values,
    )


def test_a_net_list_price_gets_the_items_vat_to_the_penny():
    found = [candidate(CLASS, "7.005")]
    # 7.005 × 1.2 = 8.406 → 8.41
    assert best_unit_gross(found, 1, VAT, D("12.00")).unit_gross == D("8.41")
    assert best_unit_gross(found, 1, D("5"), D("12.00")).unit_gross == D("7.36")


def test_quantity_ranges_are_inclusive_and_open_ended_without_an_end():
    found = [candidate(CLASS, "7.00", 1, 9), candidate(CLASS, "6.00", 10)]
    assert best_unit_gross(found, 9, VAT, D("12")).unit_gross == D("8.40")
    assert best_unit_gross(found, 10, VAT, D("12")).unit_gross == D("7.20")
    assert best_unit_gross(found, 5000, VAT, D("12")).unit_gross == D("7.20")


def test_the_web_list_replaces_the_web_price_even_when_higher():
    found = [candidate(WEB, "13.00", is_net=False)]
    resolved = best_unit_gross(found, 1, VAT, D("12.00"))
    assert (resolved.unit_gross, resolved.source) == (D("13.00"), WEB)


def test_lowest_wins_and_most_specific_prefers_the_customers_own_list():
    found = [
        candidate(CUSTOMER, "10.00"),  # 12.00 gross
        candidate(CLASS, "8.00"),  # 9.60 gross
        candidate(WEB, "11.00", is_net=False),
    ]
    assert best_unit_gross(found, 1, VAT, D("12")).unit_gross == D("9.60")
    specific = best_unit_gross(found, 1, VAT, D("12"), "most-specific")
    assert (specific.unit_gross, specific.source) == (D("12.00"), CUSTOMER)


def test_a_discount_is_off_the_amount_or_else_off_the_web_price():
    off_amount = [candidate(CUSTOMER, "10.00", discount_percent=D("10"))]
    assert best_unit_gross(off_amount, 1, VAT, D("20")).unit_gross == D("10.80")
    off_web = [candidate(CUSTOMER, None, discount_percent=D("15"))]
    assert best_unit_gross(off_web, 1, VAT, D("19.99")).unit_gross == D("16.99")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((None, D(1), D(9), D(5), None, None), "no StockCode"),
        (("A1", D("1.5"), None, D(5), None, None), "QtyStart 1.5"),
        (("A1", D(10), D(5), D(5), None, None), "QtyEnd 5"),
        (("A1", D(1), None, D(0), None, D(40)), "buy price"),
        (("A1", D(1), None, D(5), D(120), None), "DiscountValue 120"),
        (("A1", D(1), None, None, None, None), "no amount and no discount"),
    ],
)
def test_breaks_the_shop_cannot_price_are_refused_with_the_reason(args, message):
    with pytest.raises(PriceRuleError, match=message):
        entry_from_break(*args)


def test_cloud_price_types():
    assert entry_from_upload("A1", D(1), D(4), D("8.75"), 1).amount == D("8.75")
    assert entry_from_upload("A1", D(1), None, D("5"), 2).discount_percent == D("5")
    with pytest.raises(PriceRuleError, match="PriceType 7"):
        entry_from_upload("A1", D(1), None, D("5"), 7)
