"""The order mapper, without a database: what Khaos is sent for a shop order."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from khaos_sync.mappers.orders import (
    OrderSettings,
    ShopAddress,
    ShopLine,
    ShopOrder,
    ShopPayment,
    build_sales_order,
    spread,
)
from khaos_sync.protocol.documents.orders import build_orders, parse_orders
from khaos_sync.simulator.pricing import delivery_amounts, line_amounts

D = Decimal
HOME = ShopAddress(
    first_name="Ann",
    last_name="Example",
    line1="1 High Street",
    line4="York",
    postcode="YO1 7HH",
    country_code="GB",
    phone="+441904000000",
)
SETTINGS = OrderSettings(
    sales_source="INTERNET",
    company_class="Internet",
    couriers={"express": "DPD"},
    payment_types={"paypal": {"type": 2, "card_type": "PAYPAL"}},
)


def line(
    line_id: str = "1",
    qty: int = 1,
    price: str = "10.00",
    discount: str = "0",
    code: str | None = "ABC",
    **kw,
) -> ShopLine:
    return ShopLine(line_id, f"Item {line_id}", qty, D(price), D(discount), code, **kw)


def order(
    *lines: ShopLine, total: str | None = None, delivery: str | None = "0", **kw
) -> ShopOrder:
    goods = sum((item.total for item in lines), D(0))
    values = {
        "number": "100001",
        "placed_at": datetime(2026, 3, 1, 9, 30),
        "currency": "GBP",
        "email": "ann@example.com",
        "lines": lines,
        "total": D(total) if total else goods + D(delivery or "0"),
        "delivery": None if delivery is None else D(delivery),
        "user_id": "7",
        "shipping": HOME,
    }
    values.update(kw)
    return ShopOrder(**values)


def khaos_total(built) -> Decimal:
    """The total Khaos computes for the order it is sent (its own arithmetic)."""
    sales_order = parse_orders(build_orders([built.order]))[0]
    goods = sum(
        line_amounts(item.price_grs, int(item.order_qty), D(20), is_net=False, discount=D(0))[2]
        for item in sales_order.items
    )
    header = sales_order.header
    return goods + delivery_amounts(None, None, header.delivery_grs, D("4.95"))[1]


def test_a_simple_order_maps_field_by_field():
    built = build_sales_order(
        order(line(qty=2, price="25.98"), delivery="3.95", shipping_code="express"), SETTINGS
    )
    sent = built.order
    assert sent.customer.is_new_customer is False
    assert (sent.customer.other_ref, sent.customer.web_user) == ("7", "ann@example.com")
    assert sent.customer.company_code is None  # never invented
    assert sent.customer.company_class == "Internet"
    assert sent.customer.invoice_address.address1 == "1 High Street"
    assert sent.customer.invoice_address.town == "York"
    assert sent.customer.delivery_address is None  # same as the invoice address
    header = sent.header
    assert (header.associated_ref, header.order_amount, header.delivery_grs) == (
        "100001",
        D("29.93"),
        D("3.95"),
    )
    assert (header.courier_code, header.sales_source, header.order_date) == (
        "DPD",
        "INTERNET",
        datetime(2026, 3, 1, 9, 30),
    )
    [item] = sent.items
    assert (
        item.stock_code,
        item.mapping_type,
        item.order_qty,
        item.price_grs,
        item.import_ref,
    ) == ("ABC", 1, D(2), D("12.99"), "1")


def test_a_line_that_does_not_divide_into_pennies_is_sent_as_two_rows():
    built = build_sales_order(order(line(qty=3, price="12.00", discount="2.00")), SETTINGS)
    rows = [(item.order_qty, item.price_grs, item.import_ref) for item in built.order.items]
    assert rows == [(D(1), D("3.34"), "1"), (D(2), D("3.33"), "1")]
    built = build_sales_order(order(line(qty=3, price="12.00", discount="3.00")), SETTINGS)
    assert [(i.order_qty, i.price_grs) for i in built.order.items] == [(D(3), D("3.00"))]


def test_an_order_discount_is_spread_over_the_lines_in_proportion():
    built = build_sales_order(
        order(line("1", 1, "30.00"), line("2", 1, "10.00"), total="36.00", delivery="0"), SETTINGS
    )
    assert [i.price_grs for i in built.order.items] == [D("27.00"), D("9.00")]


def test_a_guest_is_matched_by_khaos_rules_not_by_account():
    built = build_sales_order(order(line(), user_id=None, login=""), SETTINGS)
    customer = built.order.customer
    assert (customer.other_ref, customer.web_user, customer.company_code) == (None, None, None)
    assert customer.invoice_address.email == "ann@example.com"


def test_a_known_customer_is_sent_with_their_urn():
    built = build_sales_order(order(line(), company_code="CU1001"), SETTINGS)
    assert built.order.customer.company_code == "CU1001"


def test_a_different_delivery_address_is_sent():
    billing = ShopAddress(
        first_name="Bob", last_name="Payer", line1="2 Bank St", line4="Leeds", postcode="LS1 1AA"
    )
    built = build_sales_order(order(line(), billing=billing), SETTINGS)
    assert built.order.customer.invoice_address.address1 == "2 Bank St"
    assert built.order.customer.delivery_address.address1 == "1 High Street"


def test_lines_without_a_khaos_product_are_left_out_and_listed():
    built = build_sales_order(
        order(
            line("1", 1, "20.00"),
            line("2", 2, "4.00", code=None, not_in_khaos="no binding"),
            delivery="3.00",
        ),
        SETTINGS,
    )
    assert [i.stock_code for i in built.order.items] == ["ABC"]
    assert built.order.header.order_amount == D("23.00")
    assert [(s.line_id, s.quantity, s.reason) for s in built.skipped] == [("2", 2, "no binding")]


def test_an_order_with_no_khaos_line_is_not_for_khaos():
    built = build_sales_order(order(line(code=None)), SETTINGS)
    assert built.order is None and not built.hold and not built.for_khaos


def test_long_values_hold_the_order_but_descriptions_are_shortened():
    long_line = ShopAddress(**{**HOME.__dict__, "line1": "x" * 36})
    built = build_sales_order(order(line(), shipping=long_line), SETTINGS)
    assert built.order is None
    assert built.hold == (
        "Invoice address: address line 1 (IADDRESS1) is 36 characters long; "
        f"Khaos accepts at most 35: '{'x' * 36}'",
    )
    built = build_sales_order(order(line(extended_desc="Gift message: " + "♥" * 200)), SETTINGS)
    assert len(built.order.items[0].extended_desc) == 150


def test_an_order_number_longer_than_khaos_accepts_is_held():
    built = build_sales_order(order(line(), number="WEB-2026-000000001"), SETTINGS)
    assert built.hold and "ASSOCIATED_REF" in built.hold[0]


def test_a_spaced_phone_number_is_compacted_rather_than_refused():
    spaced = ShopAddress(**{**HOME.__dict__, "phone": "+44 1904 000 000 111"})
    built = build_sales_order(order(line(), shipping=spaced), SETTINGS)
    assert built.order.customer.invoice_address.tel == "+441904000000111"


def test_an_order_without_an_address_is_held():
    built = build_sales_order(order(line(), shipping=None), SETTINGS)
    assert built.hold == ("The order has no address: Khaos needs an invoice address",)


def test_payments_are_mapped_and_never_exceed_the_khaos_order():
    payments = (
        ShopPayment("paypal", D("15.00"), auth_code="A1", transaction_id="T1"),
        ShopPayment("card", D("13.00"), auth_code="A2", transaction_id="T2"),
    )
    built = build_sales_order(
        order(line("1", 1, "20.00"), line("2", 1, "8.00", code=None), payments=payments), SETTINGS
    )
    sent = [
        (p.amount, p.payment_type, p.card_type, p.auth_code, p.transaction_id)
        for p in built.order.payments
    ]
    assert sent == [(D("15.00"), 2, "PAYPAL", "A1", "T1"), (D("5.00"), 2, None, "A2", "T2")]


def test_nothing_to_deliver_is_sent_as_no_delivery():
    built = build_sales_order(order(line(), delivery=None), SETTINGS)
    assert built.order.header.delivery_grs == D(-1)


def test_voucher_codes_are_only_a_reference():
    built = build_sales_order(order(line(), voucher_codes=("SPRING10",)), SETTINGS)
    assert built.order.header.keycode_code == "SPRING10"
    none = OrderSettings(keycode="none")
    assert (
        build_sales_order(
            order(line(), voucher_codes=("SPRING10",)), none
        ).order.header.keycode_code
        is None
    )


def test_spread_takes_exactly_the_reduction():
    assert spread([100, 200, 300], 60) == [90, 180, 270]
    assert sum(spread([1, 1, 1], 2)) == 1
    assert spread([500], -3) == [503]


# --- the property: Khaos's total equals the shop's, to the penny ----------------------

prices = st.decimals(min_value=D("0.01"), max_value=D("250.00"), places=2)
vat_rates = st.sampled_from([D(20), D(5), D(0)])


@st.composite
def baskets(draw):
    lines = []
    for index in range(draw(st.integers(1, 6))):
        qty = draw(st.integers(1, 12))
        unit = draw(prices)
        before = unit * qty
        discount = draw(st.decimals(min_value=D(0), max_value=before, places=2))
        in_khaos = index == 0 or draw(st.booleans())
        lines.append(
            line(str(index + 1), qty, str(before), str(discount), code="ABC" if in_khaos else None)
        )
    goods = sum((item.total for item in lines), D(0))
    order_discount = draw(st.decimals(min_value=D(0), max_value=goods, places=2))
    delivery = draw(st.sampled_from([None, D(0), D("3.95"), draw(prices)]))
    total = goods - order_discount + (delivery or D(0))
    return order(*lines, total=str(total), delivery=None if delivery is None else str(delivery))


@settings(max_examples=300, deadline=None)
@given(baskets(), vat_rates)
def test_khaos_computes_the_shop_total_to_the_penny(shop_order, vat):
    built = build_sales_order(shop_order, SETTINGS)
    if any(item.khaos_code is None for item in shop_order.lines):
        # Khaos is sent (and charges for) the Khaos lines only, plus the delivery.
        assert khaos_total(built) == built.order.header.order_amount
        return
    assert khaos_total(built) == shop_order.total == built.order.header.order_amount
    for item in built.order.items:
        assert item.price_grs == item.price_grs.quantize(D("0.01")) and item.price_grs >= 0
