"""Recorded, documented confirmations of Stripe, PayPal and Opayo, through to Khaos's payment fields.

The payloads are the providers' documented shapes (payloads/); each goes the
way a real one does: stored on the payment by the provider, read when the order
is placed, handed to the order builder as ``ShopPayment``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from payments import PaymentStatus

from khaos_sync.mappers.orders import BuiltOrder, OrderSettings, ShopPayment, build_sales_order
from khaos_sync.shop.payments.details import sagepay_details, sagepay_fields
from khaos_sync.shop.payments.models import Payment
from khaos_sync.store.orders import load_orders, shop_order
from tests.integration.payments.support import waiting_payment

PAYLOADS = Path(__file__).parent / "payloads"

pytestmark = pytest.mark.django_db


def placed(payment: Payment, capture: Any) -> tuple[ShopPayment, BuiltOrder]:
    with capture(execute=True):
        payment.change_status(PaymentStatus.CONFIRMED)
    payment.refresh_from_db()
    order = load_orders([payment.order_id])[payment.order_id]
    shop = shop_order(order)
    return shop.payments[0], build_sales_order(shop, OrderSettings())


def paid(payment: Payment, capture: Any) -> tuple[ShopPayment, Any]:
    shop, built = placed(payment, capture)
    assert built.order is not None, built.hold
    return shop, built.order.payments[0]


def test_stripe_checkout_session(django_capture_on_commit_callbacks: Any) -> None:
    payment = waiting_payment("stripe")
    session = json.loads((PAYLOADS / "stripe_checkout_session_expanded.json").read_text())
    session["client_reference_id"] = payment.token
    payment.transaction_id = session["id"]
    payment.attrs.session = session
    payment.save()

    shop, sent = paid(payment, django_capture_on_commit_callbacks)

    assert shop.provider == "stripe" and shop.source_code == "stripe"
    assert shop.transaction_id == "pi_3MtwBwLkdIwHu7ix28a3tqPa"  # the payment intent
    assert shop.reference == payment.token  # the shop's own reference
    assert shop.security_ref == "cus_NffrFeUfNV2Hib"  # the customer token
    assert shop.security_comment == "CVC PASS, ADDRESS PASS, POSTCODE PASS"
    assert (shop.card_name, shop.card_type, shop.card_last4) == ("Ada Lovelace", "VISA", "4242")
    assert not shop.preauth
    assert (
        sent.transaction_id == "pi_3MtwBwLkdIwHu7ix28a3tqPa" and sent.preauth is False
    )  # PREAUTH 0: the money is taken


def test_paypal_executed_payment(django_capture_on_commit_callbacks: Any) -> None:
    payment = waiting_payment("paypal")
    executed = json.loads((PAYLOADS / "paypal_payment_executed.json").read_text())
    payment.transaction_id = executed["id"]
    payment.extra_data = json.dumps({"response": executed})
    payment.save()

    shop, sent = paid(payment, django_capture_on_commit_callbacks)

    assert shop.provider == "paypal"
    assert shop.transaction_id == "4RR959492F879224U"  # the PayPal transaction (sale) id
    assert shop.security_ref == "CR87QHB7JTRSC"
    assert shop.card_name == "Betsy Buyer"
    assert (shop.card_type, shop.card_last4, shop.auth_code) == ("", "", "")
    assert not shop.preauth
    assert sent.transaction_id == "4RR959492F879224U"


def test_opayo_form_response(django_capture_on_commit_callbacks: Any) -> None:
    payment = waiting_payment("sagepay")
    text = (PAYLOADS / "sagepay_form_response.txt").read_text().strip()
    fields = dict(pair.split("=", 1) for pair in text.split("&"))
    payment.attrs.sagepay = sagepay_fields(fields)
    payment.save()

    shop, built = placed(payment, django_capture_on_commit_callbacks)

    assert shop.provider == "sagepay"
    assert shop.auth_code == "8791234"  # TxAuthNo
    assert shop.transaction_id == "{5D2E7C1C-9E2A-4B1B-9B0A-1F2E3D4C5B6A}"  # VPSTxId
    assert shop.reference == "VENDORTXCODE"  # VendorTxCode
    assert shop.security_comment == "ALL MATCH"  # AVSCV2
    assert (shop.card_type, shop.card_last4) == ("VISA", "0006")
    # The Form integration returns no SecurityKey, which Khaos needs to release or
    # refund: the order waits for a person instead of reaching Khaos without it.
    assert built.order is None
    assert any("SecurityKey" in reason for reason in built.hold)


def test_opayo_security_key_is_kept_where_the_integration_returns_it() -> None:
    notification = {
        "Status": "OK",
        "VPSTxId": "{B3C4-…}",
        "VendorTxCode": "100001-3",
        "TxAuthNo": "4898041",
        "SecurityKey": "OKVDMWBCT6",
        "AVSCV2": "SECURITY CODE MATCH ONLY",
        "CardType": "MC",
        "Last4Digits": "5559",
        "CardNumber": "5404000000000001",  # never sent by Opayo; dropped if it were
    }
    kept = sagepay_fields(notification)
    assert "CardNumber" not in kept
    details = sagepay_details(kept)
    assert details.security_ref == "OKVDMWBCT6"
    assert details.security_comment == "SECURITY CODE MATCH ONLY"
