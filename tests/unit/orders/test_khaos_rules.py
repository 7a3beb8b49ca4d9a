"""Khaos's order rules on the builder: VAT tax codes, delivery, calculation method, countries.

The figures Khaos books are computed by the formulas written out in
``test_mapper`` (Khaos's integration guide), never by the builder's own code.
"""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from khaos_sync.mappers.orders import OrderSettings, ShopAddress, build_sales_order
from tests.unit.orders.test_mapper import HOME, khaos_books, khaos_delivery, line, order, pennies

D = Decimal
GROSS = OrderSettings(sales_source="INTERNET")
NET = OrderSettings(sales_source="INTERNET", calculation="net")


def test_a_standard_rate_line_goes_gross_without_a_tax_code():
    [item] = build_sales_order(order(line(price="12.00")), GROSS).order.items
    assert (item.price_grs, item.price_net, item.tax_rate) == (D("12.00"), None, None)


def test_zero_and_reduced_rate_lines_go_net_with_a_khaos_tax_code():
    built = build_sales_order(
        order(line("1", 2, "10.00", vat_rate=D(0)), line("2", 1, "10.50", vat_rate=D(5))), GROSS
    )
    zero, reduced = built.order.items
    assert (zero.price_net, zero.price_grs, zero.tax_rate) == (D("5.00"), None, 2)
    assert (reduced.price_net, reduced.price_grs, reduced.tax_rate) == (D("10.00"), None, 4)
    lines, total = khaos_books(built)
    assert lines == {"1": (D(0), D("10.00")), "2": (D("0.50"), D("10.50"))}
    assert total == built.order.header.order_amount == D("20.50")


def test_tax_codes_are_configurable():
    own = OrderSettings(tax_codes={D(20): 1, D(0): 2, D(5): 4, D("12.5"): 7})
    built = build_sales_order(order(line(price="11.25", vat_rate=D("12.5"))), own)
    assert built.order.items[0].tax_rate == 7
    held = build_sales_order(order(line(price="11.25", vat_rate=D("12.5"))), GROSS)
    assert held.hold == ("VAT rate 12.5% has no Khaos tax code; add it to [orders] tax_codes",)


def test_the_net_method_sends_every_line_net():
    built = build_sales_order(
        order(line("1", 3, "36.00"), line("2", 1, "5.25", vat_rate=D(5))), NET
    )
    standard, reduced = built.order.items
    assert (standard.price_net, standard.tax_rate, standard.price_grs) == (D("10.00"), 1, None)
    assert (reduced.price_net, reduced.tax_rate) == (D("5.00"), 4)
    lines, total = khaos_books(built, "net")
    assert lines == {"1": (D("6.00"), D("36.00")), "2": (D("0.25"), D("5.25"))}
    assert total == D("41.25")


def test_a_gross_that_no_net_amount_gives_is_held_under_the_net_method():
    # net + round(net × 20%): 0.12 → 0.14 (0.02 VAT), 0.13 → 0.16: nothing gives 0.15.
    built = build_sales_order(order(line(price="0.15")), NET)
    assert built.order is None and "net method cannot book it" in built.hold[0]


def test_delivery_of_standard_rated_goods_goes_gross():
    built = build_sales_order(order(line(), delivery="4.95"), GROSS)
    header = built.order.header
    assert (header.delivery_grs, header.delivery_net, header.delivery_tax) == (
        D("4.95"),
        None,
        None,
    )


def test_delivery_of_zero_rated_goods_goes_net_and_tax_so_khaos_books_no_vat():
    built = build_sales_order(order(line(vat_rate=D(0)), delivery="4.95"), GROSS)
    header = built.order.header
    assert (header.delivery_grs, header.delivery_net, header.delivery_tax) == (None, D("4.95"), 0)
    reduced = build_sales_order(order(line(vat_rate=D(5)), delivery="5.25"), GROSS).order.header
    assert (reduced.delivery_net, reduced.delivery_tax) == (D("5.00"), D("0.25"))


def test_the_shops_own_delivery_vat_wins():
    built = build_sales_order(
        order(line(vat_rate=D(0)), delivery="6.00", delivery_tax=D("1.00")), GROSS
    )
    assert khaos_delivery(built.order.header) == (D("1.00"), D("6.00"))


def test_free_delivery_is_zero_never_blank_and_nothing_to_deliver_is_minus_one():
    assert build_sales_order(order(line(), delivery="0"), GROSS).order.header.delivery_grs == 0
    assert build_sales_order(order(line(), delivery=None), GROSS).order.header.delivery_grs == -1
    free_net = build_sales_order(order(line(), delivery="0"), NET).order.header
    assert (free_net.delivery_net, free_net.delivery_tax) == (0, 0)


def test_countries_are_sent_as_three_letter_codes():
    for shop_code in ("GB", "gbr", "GBR"):
        address = ShopAddress(**{**HOME.__dict__, "country_code": shop_code})
        built = build_sales_order(order(line(), shipping=address), GROSS)
        assert built.order.customer.invoice_address.country_code == "GBR"
    irish = ShopAddress(**{**HOME.__dict__, "line1": "3 Quay", "country_code": "IE"})
    built = build_sales_order(order(line(), billing=HOME, shipping=irish), GROSS)
    assert built.order.customer.delivery_address.country_code == "IRL"
    unknown = ShopAddress(**{**HOME.__dict__, "country_code": "XX"})
    assert build_sales_order(order(line(), shipping=unknown), GROSS).hold == (
        "Country code 'XX' is not an ISO 3166 country: Khaos needs one",
    )


def test_a_telephone_longer_than_19_holds_the_order():
    long_phone = ShopAddress(**{**HOME.__dict__, "phone": "+4419040000001234567"})
    built = build_sales_order(order(line(), shipping=long_phone), GROSS)
    assert (
        built.order is None
        and "(ITEL) is 20 characters long; Khaos accepts at most 19" in (built.hold[0])
    )


# --- the property: Khaos's figures equal the shop's, to the penny ----------------------

RATES = [D(20), D(5), D(0)]


@st.composite
def shop_orders(draw):
    """A random order as the shop prices it, with its VAT per line and on delivery."""
    method = draw(st.sampled_from(["gross", "net"]))
    lines, expected = [], {}
    for index in range(draw(st.integers(1, 40))):
        qty = draw(st.integers(1, 30))
        rate = draw(st.sampled_from(RATES))
        v = rate / 100
        unit = draw(st.decimals(min_value=D("0.01"), max_value=D("199.99"), places=2))
        line_discount = draw(st.sampled_from([D(0), D(5), D("12.5"), D("33.3")]))
        order_discount = draw(st.sampled_from([D(0), D(10)]))  # Oscar puts it in the lines
        if method == "gross":
            before = qty * unit
            gross = before - pennies(before * line_discount / 100)
            gross -= pennies(gross * order_discount / 100)
            vat = gross - pennies(gross / (1 + v))
        else:
            net = qty * unit - pennies(qty * unit * line_discount / 100)
            net -= pennies(net * order_discount / 100)
            vat = pennies(net * v)
            gross = net + vat
        lines.append(line(str(index + 1), qty, str(gross), "0", vat_rate=rate))
        expected[str(index + 1)] = (vat, gross)
    delivery_rate = draw(st.sampled_from([*RATES, None]))
    if delivery_rate is None:
        delivery, delivery_tax = None, None
    else:
        base = draw(st.sampled_from([D(0), D("3.95"), D("4.17"), D("12.01")]))
        if method == "gross":
            delivery, delivery_tax = base, base - pennies(base / (1 + delivery_rate / 100))
        else:
            delivery_tax = pennies(base * delivery_rate / 100)
            delivery = base + delivery_tax
    goods = sum((gross for _, gross in expected.values()), D(0))
    placed = order(
        *lines,
        total=str(goods + (delivery or 0)),
        delivery=None if delivery is None else str(delivery),
        delivery_tax=delivery_tax,
    )
    return method, placed, expected, delivery_tax


@settings(max_examples=200, deadline=None)
@given(shop_orders())
def test_khaos_books_the_shops_vat_per_line_and_total_to_the_penny(case):
    method, placed, expected, delivery_tax = case
    built = build_sales_order(placed, OrderSettings(calculation=method))
    assert built.order is not None, built.hold
    lines, total = khaos_books(built, method)
    assert lines == expected
    assert total == placed.total == built.order.header.order_amount
    if delivery_tax is not None:
        assert khaos_delivery(built.order.header)[0] == delivery_tax
