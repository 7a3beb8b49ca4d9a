"""The order mapper, without a database: what Khaos is sent for a shop order."""

from __future__ import annotations

from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

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

D = Decimal
HOME = ShopAddress(
    first_name="Ann",
    last_name="Example",
    line1="1 High Street",
    line4="York",
    postcode="YO1 7HH",
    country_code="GBR",
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


# --- Khaos's arithmetic, written out here from its integration guide ----------------
# (deliberately not the builder's own implementation)

TAX_CODE_RATES = {1: D("0.20"), 2: D("0"), 4: D("0.05")}


def pennies(value):
    return value.quantize(D("0.01"), rounding=ROUND_HALF_UP)


def khaos_row(item, method):
    """(net, VAT, gross) Khaos books for one ORDER_ITEM."""
    q, d = item.order_qty, item.ksd_discount or D(0)
    v = TAX_CODE_RATES[item.tax_rate] if item.tax_rate else D("0.20")
    if method == "gross":
        g = item.price_grs if item.price_net is None else item.price_net * (1 + v)
        discount = pennies(q * g * d / 100)
        net = pennies(pennies(q * g) / (1 + v) - discount / (1 + v))
        vat = pennies(q * g - discount - net)
    else:
        n = item.price_net if item.price_net is not None else item.price_grs / (1 + v)
        discount = pennies(q * n * d / 100)
        net = pennies(q * n - discount)
        vat = pennies(net * v)
    return net, vat, net + vat


def khaos_delivery(header):
    """(VAT, gross) of the delivery: DELIVERY_GRS is at the standard rate."""
    if header.delivery_net is not None:
        return header.delivery_tax, header.delivery_net + header.delivery_tax
    gross = max(header.delivery_grs, D(0))
    return gross - pennies(gross / D("1.2")), gross


def khaos_books(built, method="gross"):
    """Per shop line (import ref): (VAT, gross); plus the order total."""
    sales_order = parse_orders(build_orders([built.order]))[0]
    lines = {}
    for item in sales_order.items:
        _, vat, gross = khaos_row(item, method)
        before = lines.get(item.import_ref, (D(0), D(0)))
        lines[item.import_ref] = (before[0] + vat, before[1] + gross)
    total = sum((gross for _, gross in lines.values()), D(0))
    return lines, total + khaos_delivery(sales_order.header)[1]


def khaos_total(built, method="gross"):
    return khaos_books(built, method)[1]


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


def test_a_line_that_does_not_divide_into_pennies_gets_a_finer_unit_price():
    built = build_sales_order(order(line(qty=3, price="12.00", discount="2.00")), SETTINGS)
    rows = [(item.order_qty, item.price_grs, item.import_ref) for item in built.order.items]
    assert rows == [(D(3), D("3.333"), "1")]  # Khaos: round(3 × 3.333) = 10.00
    assert khaos_total(built) == D("10.00")
    built = build_sales_order(order(line(qty=3, price="12.00", discount="3.00")), SETTINGS)
    assert [(i.order_qty, i.price_grs) for i in built.order.items] == [(D(3), D("3.00"))]


def test_a_line_no_four_decimal_price_fits_is_sent_as_two_rows():
    # 9999 × 0.0001 steps cannot land on 100.02 within half a penny: two rows of pennies.
    built = build_sales_order(order(line(qty=9999, price="100.02")), SETTINGS)
    rows = [(item.order_qty, item.price_grs) for item in built.order.items]
    assert rows == [(D(3), D("0.02")), (D(9996), D("0.01"))]
    assert khaos_total(built) == D("100.02")


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
    message = "Gift message: " + " ".join(["♥" * 9] * 40)
    built = build_sales_order(order(line(extended_desc=message)), SETTINGS)
    wrapped = built.order.items[0].extended_desc.split("\n")
    assert len(wrapped) == 3 and all(len(part) <= 150 for part in wrapped)
    assert " ".join(wrapped) == message  # wrapped, nothing cut


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
        ShopPayment("paypal-express", D("15.00"), auth_code="A1", transaction_id="T1"),
        ShopPayment("card", D("13.00"), auth_code="A2", transaction_id="T2"),
    )
    settings_ = OrderSettings(payment_types={"paypal-express": {"type": 2, "card_type": "PAYPAL"}})
    built = build_sales_order(
        order(line("1", 1, "20.00"), line("2", 1, "8.00", code=None), payments=payments), settings_
    )
    sent = [
        (p.amount, p.payment_type, p.card_type, p.auth_code, p.transaction_id)
        for p in built.order.payments
    ]
    assert sent == [(D("15.00"), 2, "PAYPAL", "A1", "T1"), (D("5.00"), 2, None, "A2", "T2")]


def test_nothing_to_deliver_is_sent_as_no_delivery():
    built = build_sales_order(order(line(), delivery=None), SETTINGS)
    assert built.order.header.delivery_grs == D(-1)


def test_a_voucher_code_is_sent_as_keycode_only_when_opted_in():
    placed = order(line(), voucher_codes=("WINTER", "spring10"))
    assert build_sales_order(placed, SETTINGS).order.header.keycode_code is None
    opted = OrderSettings(keycode_vouchers=frozenset({"spring10"}))
    assert build_sales_order(placed, opted).order.header.keycode_code == "spring10"
    # Khaos applies no keycode discount: the price stays the shop's.
    assert build_sales_order(placed, opted).order.items[0].price_grs == D("10.00")


def test_spread_takes_exactly_the_reduction():
    assert spread([100, 200, 300], 60) == [90, 180, 270]
    assert sum(spread([1, 1, 1], 2)) == 1
    assert spread([500], -3) == [503]
