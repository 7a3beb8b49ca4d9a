"""KSDXMLImportFormat: reading the sample, building orders, field limits."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree

from khaos_sync.protocol.documents.orders import (
    FIELD_LIMITS,
    LINE_LIMITS,
    Address,
    Customer,
    OrderHeader,
    OrderItem,
    Payment,
    PaymentType,
    SalesOrder,
    _check_limit,
    build_orders,
    khaos_length,
    parse_orders,
    truncate_description,
    wrap_lines,
)
from khaos_sync.protocol.errors import DocumentError, FieldLimitError


def test_sample(khaosws_samples: Path) -> None:
    first, second = parse_orders((khaosws_samples / "KSDXMLImportFormat.xml").read_bytes())
    customer = first.customer
    assert customer.is_new_customer is False  # blank compulsory flag reads as "match"
    assert customer.company_code == "KCS001"
    assert (customer.company_class, customer.company_type) == ("Internet", "Others")
    assert customer.company_name == "Khaos Control Solutions Ltd"
    assert customer.source_code == "KC001"
    assert customer.mailing_status is None
    assert customer.udas == (
        ("Security Question", "Mother's Maiden Name"),
        ("Favourite Colour", "Salmon Pink"),
    )
    invoice = customer.invoice_address
    assert (invoice.address1, invoice.address2, invoice.town, invoice.county) == (
        "Century House",
        "84 Commercial Road",
        "Grantham",
        "Lincolnshire",
    )
    assert (invoice.postcode, invoice.title, invoice.forename, invoice.surname) == (
        "NG31 6DB",
        "Mr",
        "Mike",
        "Cockfield",
    )
    assert (invoice.tel, invoice.email) == ("01476 562447", "info@khaoscontrol.com")
    assert customer.delivery_address is not None
    assert customer.delivery_address.postcode == "NG31 6DB"

    payment = first.payments[0]
    assert payment.amount == Decimal("56.99")
    assert (payment.card_type, payment.card_name) == ("Visa", "Mr Mike Cockfield")
    assert (payment.account_number, payment.account_name) == ("1", "Business Current")
    assert payment.transaction_timestamp == datetime(2004, 1, 21, 10, 11, 22)
    assert payment.charge_amount == Decimal("2.99")
    assert first.payments[1].credit_score == "Score"
    assert first.payments[1].transaction_timestamp is None

    header = first.header
    assert header.associated_ref == "DK07151555O"
    assert header.order_date == date(2004, 1, 20)
    assert header.delivery_date == datetime(2004, 1, 21, 10, 11, 22)
    assert header.order_amount == Decimal("56.99")
    assert (header.order_currency_code, header.site, header.agent) == (
        "GBP",
        "Main Site",
        "Test Agent",
    )
    assert header.delivery_grs is None  # blank: Khaos calculates delivery
    assert (header.po_number, header.brand, header.sales_source) == (
        "XXYZ",
        "Website A",
        "INTERNET",
    )
    assert (header.courier_note, header.website_name) == ("Green door", "FrenchSite")

    line1, line2 = first.items
    assert (line1.stock_code, line1.stock_desc) == ("HL0453", "LARGE DISPLAY CABINET")
    assert line1.extended_desc == "Please fit with brass handles."
    assert (line1.price_net, line1.price_grs) == (Decimal("12.34"), Decimal("56.99"))
    assert (line1.option_ref1, line1.option_ref2) == ("OAK", "PANELED")
    assert (line1.pack_sort_order, line1.site) == ("001.001", "Main Site")
    assert line1.order_qty is None and line1.mapping_type is None
    assert (line2.stock_code, line2.ksd_discount) == ("HL0454", Decimal("5.00"))

    assert second.customer.company_name == "Keystone Software Development Ltd"
    assert second.payments[0].preauth is False


def test_card_numbers_in_a_document_are_never_read(khaosws_samples: Path) -> None:
    orders = parse_orders((khaosws_samples / "KSDXMLImportFormat.xml").read_bytes())
    rebuilt = build_orders(orders)
    assert b"CARD_NUMBER" not in rebuilt and b"CARD_CV2" not in rebuilt
    assert b"49123123123123" not in rebuilt


def test_sample_round_trips(khaosws_samples: Path) -> None:
    orders = parse_orders((khaosws_samples / "KSDXMLImportFormat.xml").read_bytes())
    assert parse_orders(build_orders(orders)) == orders


def test_own_fixture(khaosws_fixtures: Path) -> None:
    card, account = parse_orders((khaosws_fixtures / "KSDXMLImportFormat.xml").read_bytes())
    customer = card.customer
    assert customer.is_new_customer is True
    assert (customer.other_ref, customer.web_user) == ("cust-17", "priya@example.org")
    invoice = customer.invoice_address
    assert (invoice.address1, invoice.address2, invoice.town, invoice.postcode) == (
        "12 Rope Walk",
        "Flat 2",
        "Whitby",
        "YO21 1AB",
    )
    assert (invoice.title, invoice.tel) == ("Dr", "01947 600123")
    assert customer.delivery_address is not None
    assert customer.delivery_address.town == "Robin Hood's Bay"
    (payment,) = card.payments
    assert (payment.amount, payment.payment_type) == (Decimal("45.89"), PaymentType.CARD)
    assert (payment.auth_code, payment.transaction_id) == ("A77Q1", "txn-100042")
    assert payment.transaction_timestamp == datetime(2025, 11, 3, 14, 2, 9)
    header = card.header
    assert (header.associated_ref, header.order_date) == ("100042", date(2025, 11, 3))
    assert (header.order_amount, header.delivery_grs) == (Decimal("45.89"), Decimal("4.99"))
    assert (header.courier_desc, header.courier_note) == ("DPD Next Day", "Leave in the porch")
    flask, mugs = card.items
    assert (flask.stock_code, flask.order_qty, flask.price_grs) == (
        "FLASK-750",
        Decimal("1"),
        Decimal("17.95"),
    )
    assert (flask.extended_desc, flask.option_ref1) == ("Gift wrapped, please.", "GRN")
    assert (mugs.order_qty, mugs.ksd_discount) == (Decimal("3"), Decimal("1.05"))
    assert account.customer.company_code == "TRD-ANCHOR"
    assert account.payments[0].preauth is True
    assert account.header.po_number == "AG-PO-311"
    assert account.items[0].price_net == Decimal("6.67")


def test_own_fixture_never_carries_card_numbers_and_round_trips(khaosws_fixtures: Path) -> None:
    orders = parse_orders((khaosws_fixtures / "KSDXMLImportFormat.xml").read_bytes())
    rebuilt = build_orders(orders)
    assert b"5555000011112222" not in rebuilt and b"CARD_CV2" not in rebuilt
    assert parse_orders(rebuilt) == orders


def make_order(**header: object) -> SalesOrder:
    return SalesOrder(
        customer=Customer(
            other_ref="cust-42",
            web_user="jo@example.com",
            invoice_address=Address(
                address1="1 High St", town="Leeds", postcode="LS1 1AA", surname="Bloggs"
            ),
        ),
        header=OrderHeader(
            associated_ref=str(header.pop("associated_ref", "100001")),
            order_date=datetime(2026, 11, 27, 9, 5, 7),
            order_amount=Decimal("25.98"),
            delivery_grs=Decimal("0"),
            **header,  # type: ignore[arg-type]
        ),
        items=(
            OrderItem(stock_code="HOOD-01", order_qty=Decimal("2"), price_grs=Decimal("12.99")),
        ),
        payments=(Payment(amount=Decimal("25.98"), payment_type=PaymentType.CARD, auth_code="A1"),),
    )


def test_built_document_shape() -> None:
    document = build_orders([make_order(order_note='Leave with "Sam" <next door> & co £5')])
    root = etree.fromstring(document)
    assert document.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    order = root.find("SALES_ORDER")
    assert order is not None
    assert [child.tag for child in order] == [
        "CUSTOMER_DETAIL",
        "PAYMENTS",
        "ORDER_HEADER",
        "ORDER_ITEMS",
    ]
    assert order.findtext("CUSTOMER_DETAIL/IS_NEW_CUSTOMER") == "0"
    assert order.find("CUSTOMER_DETAIL/COMPANY_CODE") is None  # never invented
    assert order.find("CUSTOMER_DETAIL/ADDRESSES/DELADDR") is None
    assert order.findtext("ORDER_HEADER/ORDER_DATE") == "2026-11-27 09:05:07"
    assert order.findtext("ORDER_HEADER/DELIVERY_GRS") == "0"
    assert order.findtext("ORDER_ITEMS/ORDER_ITEM/PRICE_GRS") == "12.99"
    assert order.findtext("PAYMENTS/PAYMENT_DETAIL/PAYMENT_TYPE") == "2"
    # Escaped exactly once.
    assert b"&amp;amp;" not in document
    assert b"&lt;next door&gt; &amp; co \xc2\xa35" in document
    assert order.findtext("ORDER_HEADER/ORDER_NOTE") == 'Leave with "Sam" <next door> & co £5'


def test_booleans_and_decimals_are_written_plainly() -> None:
    order = make_order()
    order = SalesOrder(
        customer=Customer(is_new_customer=True, vat_relief_qualified=False),
        header=OrderHeader(
            associated_ref="R1",
            order_amount=Decimal("1.2E+3"),
            delivery_net=Decimal("-1"),
            order_date=date(2026, 1, 2),
        ),
        items=(OrderItem(stock_code="A", price_net=Decimal("0.000001"), tax_rate=2),),
        payments=(Payment(preauth=True),),
    )
    root = etree.fromstring(build_orders([order]))
    assert root.findtext("SALES_ORDER/CUSTOMER_DETAIL/IS_NEW_CUSTOMER") == "-1"
    assert root.findtext("SALES_ORDER/CUSTOMER_DETAIL/VAT_RELIEF_QUALIFIED") == "0"
    assert root.findtext("SALES_ORDER/PAYMENTS/PAYMENT_DETAIL/PREAUTH") == "-1"
    assert root.findtext("SALES_ORDER/ORDER_HEADER/ORDER_AMOUNT") == "1200"
    assert root.findtext("SALES_ORDER/ORDER_HEADER/DELIVERY_NET") == "-1"
    assert root.findtext("SALES_ORDER/ORDER_HEADER/ORDER_DATE") == "2026-01-02"
    assert root.findtext("SALES_ORDER/ORDER_ITEMS/ORDER_ITEM/PRICE_NET") == "0.000001"


def test_delivery_address_written_when_given() -> None:
    base = make_order()
    customer = Customer(
        invoice_address=base.customer.invoice_address,
        delivery_address=Address(address1="2 Low Rd", town="York", postcode="YO1 1AA", surname="B"),
    )
    order = SalesOrder(customer=customer, header=base.header, items=base.items)
    root = etree.fromstring(build_orders([order]))
    assert root.findtext("SALES_ORDER/CUSTOMER_DETAIL/ADDRESSES/DELADDR/DTOWN") == "York"
    assert parse_orders(build_orders([order])) == [order]


def test_field_limits_table() -> None:
    assert FIELD_LIMITS["COMPANY_CODE"] == 10
    assert FIELD_LIMITS["COMPANY_NAME"] == 50
    assert FIELD_LIMITS["IADDRESS1"] == FIELD_LIMITS["DTOWN"] == FIELD_LIMITS["ICOUNTY"] == 35
    assert FIELD_LIMITS["IPOSTCODE"] == 10
    assert FIELD_LIMITS["ITEL"] == 19
    assert FIELD_LIMITS["IEMAIL"] == 50
    assert FIELD_LIMITS["ASSOCIATED_REF"] == 15
    assert FIELD_LIMITS["PO_NUMBER"] == 30
    assert FIELD_LIMITS["ORDER_NOTE"] == 2000
    assert FIELD_LIMITS["STOCK_DESC"] == 250
    assert LINE_LIMITS["EXTENDED_DESC"] == 150  # per line, any number of lines
    assert "EXTENDED_DESC" not in FIELD_LIMITS


def test_extended_description_is_limited_per_line_and_wrapped_whole() -> None:
    text = " ".join(f"word{n:03d}" for n in range(60))  # 479 characters
    wrapped = wrap_lines(text, 150)
    assert all(len(line) <= 150 for line in wrapped.split("\n"))
    assert wrapped.replace("\n", " ") == text
    assert len(wrap_lines("x" * 320, 150).split("\n")) == 3
    with pytest.raises(FieldLimitError):
        _check_limit("EXTENDED_DESC", "short line\n" + "y" * 151)
    _check_limit("EXTENDED_DESC", wrapped)


def test_too_long_value_names_field_value_and_limit() -> None:
    with pytest.raises(FieldLimitError) as caught:
        build_orders([make_order(associated_ref="X" * 16)])
    assert (caught.value.field, caught.value.value, caught.value.limit) == (
        "ASSOCIATED_REF",
        "X" * 16,
        15,
    )
    assert "ASSOCIATED_REF" in str(caught.value) and "15" in str(caught.value)


def test_limits_count_utf16_units_like_khaos() -> None:
    assert khaos_length("abc") == 3
    assert khaos_length("😀") == 2
    build_orders([make_order(po_number="😀" * 15)])
    with pytest.raises(FieldLimitError, match="PO_NUMBER"):
        build_orders([make_order(po_number="a" + "😀" * 15)])


def test_blank_associated_ref_is_refused() -> None:
    with pytest.raises(DocumentError, match="ASSOCIATED_REF is compulsory"):
        build_orders([make_order(associated_ref="  ")])


def test_value_xml_cannot_carry_is_refused() -> None:
    with pytest.raises(DocumentError, match=r"ORDER_NOTE: U\+0001"):
        build_orders([make_order(order_note="bell\x01")])


def test_aware_datetime_is_refused() -> None:
    from datetime import UTC

    with pytest.raises(DocumentError, match="time zones"):
        build_orders([make_order(delivery_date=datetime(2026, 1, 1, tzinfo=UTC))])


def test_order_without_associated_ref_cannot_be_read() -> None:
    with pytest.raises(DocumentError, match="ASSOCIATED_REF"):
        parse_orders("<SALES_ORDERS><SALES_ORDER><ORDER_HEADER/></SALES_ORDER></SALES_ORDERS>")


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("short", 10, "short"),
        ("exactly10!", 10, "exactly10!"),
        ("hello world", 8, "hello w…"),
        ("hello  world", 7, "hello…"),  # no dangling space before the ellipsis
        ("abcdefghij", 5, "abcd…"),
        ("ab😀cd", 4, "ab…"),  # the emoji would need 2 units: not split
        ("e\u0301e\u0301e\u0301", 4, "e\u0301…"),  # accents stay with their letter
        ("👍🏽👍🏽", 3, "…"),  # skin tone modifier stays with its emoji
        ("a👨\u200d👩\u200d👧b", 6, "a…"),  # a family emoji is never broken
        ("🇬🇧🇫🇷", 6, "🇬🇧…"),  # flags are pairs
        ("x", 1, "x"),
    ],
)
def test_truncate_description(text: str, limit: int, expected: str) -> None:
    result = truncate_description(text, limit)
    assert result == expected
    assert khaos_length(result) <= limit


def test_truncate_description_needs_room() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        truncate_description("abc", 0)
