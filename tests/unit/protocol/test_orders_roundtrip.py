"""Property tests: any order the shop can build reads back unchanged."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from khaos_sync.protocol.documents.orders import (
    FIELD_LIMITS,
    Address,
    Customer,
    OrderHeader,
    OrderItem,
    Payment,
    SalesOrder,
    build_orders,
    khaos_length,
    parse_orders,
)
from khaos_sync.protocol.errors import FieldLimitError

# Characters an order really carries: markup characters, quotes, pound signs,
# emoji, accents, line breaks. Surrogates and XML-forbidden controls cannot be
# carried by any XML document and are refused separately.
SPECIALS = "<>&£\"' \t\n\r€😀👍🏽é\u0301ß中"


def xml_char(char: str) -> bool:
    code = ord(char)
    return (
        code in (9, 10, 13) or 0x20 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD or code > 0xFFFF
    )


chars = st.one_of(
    st.sampled_from(SPECIALS),
    st.characters(codec="utf-8").filter(xml_char),
)


def fit(text: str, limit: int, exact: bool) -> str:
    while khaos_length(text) > limit:
        text = text[:-1]
    if exact:
        text += "x" * (limit - khaos_length(text))
    return text


def limited_text(limit: int) -> st.SearchStrategy[str]:
    return st.builds(fit, st.text(chars, max_size=limit), st.just(limit), st.booleans())


def text_for(tag: str) -> st.SearchStrategy[str | None]:
    limit = FIELD_LIMITS.get(tag)
    return st.none() | (limited_text(limit) if limit is not None else st.text(chars, max_size=40))


money = st.none() | st.decimals(
    min_value=Decimal("-100000"), max_value=Decimal("100000"), allow_nan=False, places=2
)
quantity = st.none() | st.decimals(
    min_value=Decimal("0"), max_value=Decimal("10000"), allow_nan=False, places=4
)
moment = st.none() | st.one_of(
    st.dates(min_value=date(1900, 1, 1), max_value=date(9999, 12, 31)),
    st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(9999, 12, 31)).map(
        lambda value: value.replace(microsecond=0)
    ),
)
flag = st.none() | st.booleans()
small_int = st.none() | st.integers(min_value=-1, max_value=99)


def address(prefix: str) -> st.SearchStrategy[Address]:
    fields = {f.name: f.name.upper() for f in dataclasses.fields(Address)}
    return st.builds(Address, **{name: text_for(prefix + tag) for name, tag in fields.items()})


customers = st.builds(
    Customer,
    invoice_address=address("I"),
    delivery_address=st.none() | address("D"),
    is_new_customer=st.booleans(),
    company_code=text_for("COMPANY_CODE"),
    other_ref=text_for("OTHER_REF"),
    web_user=text_for("WEB_USER"),
    company_class=text_for("COMPANY_CLASS"),
    company_type=text_for("COMPANY_TYPE"),
    company_name=text_for("COMPANY_NAME"),
    web_site=text_for("WEB_SITE"),
    source_code=text_for("SOURCE_CODE"),
    mailing_status=small_int,
    tax_reference=text_for("TAX_REFERENCE"),
    vat_relief_qualified=flag,
    udas=st.lists(
        st.tuples(st.text(chars, max_size=20), st.text(chars, max_size=40)), max_size=3
    ).map(tuple),
)

payments = st.builds(
    Payment,
    amount=money,
    payment_type=st.none() | st.integers(min_value=0, max_value=4),
    card_type=text_for("CARD_TYPE"),
    card_name=text_for("CARD_NAME"),
    preauth=flag,
    auth_code=text_for("AUTH_CODE"),
    transaction_id=text_for("TRANSACTION_ID"),
    preauth_ref=text_for("PREAUTH_REF"),
    security_ref=text_for("SECURITY_REF"),
    security_comment=text_for("SECURITY_COMMENT"),
    account_number=text_for("ACCOUNT_NUMBER"),
    account_name=text_for("ACCOUNT_NAME"),
    credit_score=text_for("CREDIT_SCORE"),
    transaction_timestamp=moment,
    charge_amount=money,
)

associated_refs = limited_text(FIELD_LIMITS["ASSOCIATED_REF"]).filter(lambda ref: ref.strip() != "")

headers = st.builds(
    OrderHeader,
    associated_ref=associated_refs,
    order_date=moment,
    delivery_date=moment,
    order_amount=money,
    order_currency_code=text_for("ORDER_CURRENCY_CODE"),
    site=text_for("SITE"),
    agent=text_for("AGENT"),
    order_note=text_for("ORDER_NOTE"),
    invoice_note=text_for("INVOICE_NOTE"),
    delivery_net=money,
    delivery_tax=money,
    delivery_grs=money,
    courier_code=text_for("COURIER_CODE"),
    courier_desc=text_for("COURIER_DESC"),
    po_number=text_for("PO_NUMBER"),
    keycode_code=text_for("KEYCODE_CODE"),
    brand=text_for("BRAND"),
    sales_source=text_for("SALES_SOURCE"),
    courier_note=text_for("COURIER_NOTE"),
    required_by_date=moment,
    website_name=text_for("WEBSITE_NAME"),
)

items = st.builds(
    OrderItem,
    stock_code=st.text(chars, min_size=1, max_size=30).filter(lambda code: code.strip() != ""),
    mapping_type=st.none() | st.sampled_from([-1, 1, 2, 5, 6]),
    stock_desc=text_for("STOCK_DESC"),
    extended_desc=text_for("EXTENDED_DESC"),
    order_qty=quantity,
    price_net=money,
    price_grs=money,
    tax_rate=st.none() | st.sampled_from([1, 2, 4]),
    option_ref1=text_for("OPTION_REF1"),
    import_ref=text_for("IMPORT_REF"),
    webitem_ref=text_for("WEBITEM_REF"),
    ksd_discount=money,
    pack_sort_order=text_for("PACK_SORT_ORDER"),
    site=text_for("SITE"),
)

orders = st.builds(
    SalesOrder,
    customer=customers,
    header=headers,
    items=st.lists(items, min_size=1, max_size=3).map(tuple),
    payments=st.lists(payments, max_size=2).map(tuple),
)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(orders, min_size=1, max_size=3))
def test_build_then_parse_is_lossless(generated: list[SalesOrder]) -> None:
    assert parse_orders(build_orders(generated)) == generated


def at_limit(order: SalesOrder, tag: str, text: str) -> SalesOrder:
    """``order`` with the field written as ``tag`` set to ``text``."""
    customer, header = order.customer, order.header
    value: Any = text
    if tag[0] in "ID" and tag[1:] in {f.name.upper() for f in dataclasses.fields(Address)}:
        name = tag[1:].lower()
        if tag[0] == "I":
            customer = dataclasses.replace(
                customer,
                invoice_address=dataclasses.replace(customer.invoice_address, **{name: value}),
            )
        else:
            customer = dataclasses.replace(customer, delivery_address=Address(**{name: value}))
        return dataclasses.replace(order, customer=customer)
    name = tag.lower()
    if hasattr(customer, name):
        return dataclasses.replace(order, customer=dataclasses.replace(customer, **{name: value}))
    if hasattr(header, name):
        return dataclasses.replace(order, header=dataclasses.replace(header, **{name: value}))
    item = dataclasses.replace(order.items[0], **{name: value})
    return dataclasses.replace(order, items=(item,))


BASE_ORDER = SalesOrder(
    customer=Customer(invoice_address=Address(address1="1 High St", postcode="LS1 1AA")),
    header=OrderHeader(associated_ref="R1"),
    items=(OrderItem(stock_code="A"),),
)


@pytest.mark.parametrize("tag", sorted(FIELD_LIMITS))
def test_every_limited_field_accepts_its_limit_and_refuses_one_more(tag: str) -> None:
    limit = FIELD_LIMITS[tag]
    exactly = "£" * (limit - 1) + "&"
    assert parse_orders(build_orders([at_limit(BASE_ORDER, tag, exactly)])) == [
        at_limit(BASE_ORDER, tag, exactly)
    ]
    with pytest.raises(FieldLimitError) as caught:
        build_orders([at_limit(BASE_ORDER, tag, exactly + "x")])
    assert (caught.value.field, caught.value.limit) == (tag, limit)


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(sorted(FIELD_LIMITS)), st.integers(min_value=1, max_value=40), chars)
def test_over_limit_always_raises(tag: str, extra: int, char: str) -> None:
    limit = FIELD_LIMITS[tag]
    value = fit(char * (limit + extra), limit + extra, exact=True)
    assume(value.strip())  # a blank compulsory field is refused for being blank instead
    with pytest.raises(FieldLimitError) as caught:
        build_orders([at_limit(BASE_ORDER, tag, value)])
    assert caught.value.field == tag
    assert caught.value.value == value
