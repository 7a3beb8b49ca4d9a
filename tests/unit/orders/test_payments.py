"""The per-provider payment table: what Khaos's PAYMENT_DETAIL carries for each provider."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest

from khaos_sync.mappers.orders import OrderSettings, ShopPayment, build_sales_order
from khaos_sync.mappers.payments import PaymentProblem, khaos_payment
from khaos_sync.protocol.documents.orders import build_orders, parse_orders
from khaos_sync.protocol.errors import DocumentError
from tests.unit.orders.test_mapper import line, order

D = Decimal
TAKEN = datetime(2026, 3, 1, 9, 31)


def sent(payment: ShopPayment, amount: str = "10.00", **settings):
    """The payment as Khaos reads it back from the document."""
    placed = order(line(price=amount), payments=(payment,))
    built = build_sales_order(placed, OrderSettings(**settings))
    assert built.order is not None, built.hold
    return parse_orders(build_orders([built.order]))[0].payments[0]


def test_opayo_sends_its_security_key_and_vendor_code():
    payment = sent(
        ShopPayment(
            "card",
            D("10.00"),
            provider="sagepay",
            auth_code="8761234",
            transaction_id="{6B29FC40-CA47-1067-B31D-00DD010662DA}",
            reference="SHOP-100001-1",
            security_ref="4F3A2B1C0D",
            security_comment="ALL MATCH",
            card_type="VISA",
            card_name="ANN EXAMPLE",
            taken_at=TAKEN,
        ),
        merchant_account="7",
    )
    assert (payment.amount, payment.payment_type, payment.preauth) == (D("10.00"), 2, False)
    assert (payment.auth_code, payment.transaction_id) == (
        "8761234",
        "{6B29FC40-CA47-1067-B31D-00DD010662DA}",
    )
    assert (payment.preauth_ref, payment.security_ref, payment.security_comment) == (
        "SHOP-100001-1",
        "4F3A2B1C0D",
        "ALL MATCH",
    )
    assert (payment.account_number, payment.card_type, payment.card_number) == ("7", "VISA", None)


def test_opayo_without_its_security_key_holds_the_order():
    built = build_sales_order(
        order(
            line(),
            payments=(ShopPayment("card", D(10), provider="opayo", reference="V1", auth_code="1"),),
        ),
        OrderSettings(),
    )
    assert built.hold == (
        "Opayo payment has no SecurityKey: without it Khaos cannot release or refund it",
    )


def test_stripe_sends_a_fixed_auth_text_and_the_intent():
    payment = sent(
        ShopPayment(
            "card",
            D("10.00"),
            provider="stripe",
            transaction_id="pi_3N0abc",
            reference="SHOP-100001",
            security_ref="cus_9s6XKzkNRiz8i3",
            security_comment="cvc_check: pass; address_line1_check: pass",
            card_name="Ann Example",
            preauth=True,
        )
    )
    assert (payment.auth_code, payment.transaction_id, payment.preauth_ref) == (
        "AUTH-TOKEN",
        "pi_3N0abc",
        "SHOP-100001",
    )
    assert (payment.security_ref, payment.card_name, payment.preauth) == (
        "cus_9s6XKzkNRiz8i3",
        "Ann Example",
        True,  # PREAUTH -1: captured later from Khaos
    )
    assert payment.account_number == "0"


def test_paypal_is_a_card_payment_marked_paypal_and_never_preauthorised():
    payment = sent(
        ShopPayment(
            "paypal", D("10.00"), provider="paypal", transaction_id="9XJ12345", preauth=True
        )
    )
    assert (payment.payment_type, payment.card_type, payment.preauth) == (2, "", False)
    assert (payment.card_number, payment.auth_code, payment.account_name) == (
        "PAYPAL",
        "PAYPAL",
        "PAYPAL",
    )
    assert payment.transaction_id == "9XJ12345"


def test_worldpay_needs_an_auth_code_and_sends_the_order_code():
    payment = sent(
        ShopPayment("card", D(10), provider="worldpay", auth_code="A100", transaction_id="WP-1")
    )
    assert (payment.auth_code, payment.transaction_id) == ("A100", "WP-1")
    with pytest.raises(PaymentProblem, match="Worldpay payment has no authorisation code"):
        khaos_payment(
            ShopPayment("card", D(10), provider="worldpay", transaction_id="WP-1"),
            D(10),
            payment_types={},
            default_payment_type=2,
            merchant_account="0",
        )


def test_the_dummy_provider_is_an_authorised_card_payment():
    payment = sent(ShopPayment("dummy", D(10), provider="dummy", transaction_id="D-1"))
    assert (payment.payment_type, payment.auth_code, payment.transaction_id) == (2, "DUMMY", "D-1")


def test_a_gift_voucher_is_khaos_voucher_payment():
    placed = order(
        line(price="25.00"),
        payments=(
            ShopPayment("giftcard", D("5.00"), provider="voucher", reference="GIFT-XYZ"),
            ShopPayment("card", D("20.00"), provider="stripe", transaction_id="pi_1"),
        ),
    )
    voucher, card = build_sales_order(placed, OrderSettings()).order.payments
    assert (voucher.payment_type, voucher.amount, voucher.auth_code) == (4, D("5.00"), "GIFT-XYZ")
    assert (card.payment_type, card.amount) == (2, D("20.00"))


def test_a_zero_total_order_has_no_payment():
    placed = order(
        line(price="10.00", discount="10.00"),
        payments=(ShopPayment("card", D(0), provider="stripe"),),
    )
    built = build_sales_order(placed, OrderSettings())
    assert built.order.header.order_amount == 0 and built.order.payments == ()


def test_an_unknown_provider_holds_the_order_naming_the_known_ones():
    built = build_sales_order(
        order(line(), payments=(ShopPayment("card", D(10), provider="bitpay"),)), OrderSettings()
    )
    assert built.hold[0].startswith("Payment provider 'bitpay' has no Khaos payment rule")


def test_a_card_number_can_never_be_sent():
    placed = order(
        line(), payments=(ShopPayment("paypal", D(10), provider="paypal", transaction_id="T"),)
    )
    built = build_sales_order(placed, OrderSettings())
    bad = built.order.payments[0].__class__(amount=D(10), card_number="4111111111111111")
    with pytest.raises(DocumentError, match="CARD_NUMBER may only carry"):
        build_orders(
            [
                built.order.__class__(
                    built.order.customer, built.order.header, built.order.items, (bad,)
                )
            ]
        )
