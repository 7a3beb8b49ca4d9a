"""Provider callbacks arrive at public addresses: each is verified before anything is stored."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import Any

import pytest
import stripe
from django.test import Client
from oscar.core.loading import get_model
from payments import PaymentStatus
from payments.core import PROVIDER_CACHE, provider_factory

from khaos_sync.shop.payments.models import Payment
from tests.integration.payments.support import waiting_payment

Order = get_model("order", "Order")

WEBHOOK_SECRET = "whsec_test_secret"
OPAYO_KEY = "0123456789abcdef"

pytestmark = pytest.mark.django_db


@pytest.fixture
def providers(settings: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    settings.PAYMENT_VARIANTS = {
        "stripe": (
            "khaos_sync.shop.payments.providers.StripeProvider",
            {"api_key": "sk_test_x", "endpoint_secret": WEBHOOK_SECRET, "secure_endpoint": True},
        ),
        "sagepay": (
            "khaos_sync.shop.payments.providers.SagepayProvider",
            {"vendor": "acme", "encryption_key": OPAYO_KEY},
        ),
    }
    # Nothing leaves this machine: Stripe's API is asked on a closed local port.
    monkeypatch.setattr(stripe, "api_base", "http://127.0.0.1:9")
    PROVIDER_CACHE.clear()
    yield
    PROVIDER_CACHE.clear()


def stripe_event(payment: Payment) -> bytes:
    session = {
        "id": payment.transaction_id,
        "object": "checkout.session",
        "client_reference_id": payment.token,
        "payment_intent": "pi_3MtwBwLkdIwHu7ix28a3tqPa",
        "payment_status": "paid",
        "status": "complete",
    }
    event = {"id": "evt_1", "object": "event", "type": "checkout.session.completed"}
    return json.dumps({**event, "data": {"object": session}}).encode()


def stripe_signature(body: bytes, secret: str = WEBHOOK_SECRET) -> str:
    stamp = int(time.time())
    signed = hmac.new(secret.encode(), f"{stamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={stamp},v1={signed}"


def post_webhook(client: Client, body: bytes, signature: str) -> Any:
    return client.post(
        "/payments/process/stripe/",
        body,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=signature,
    )


def test_a_signed_stripe_webhook_places_the_order_once(
    providers: Any, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    payment = waiting_payment("stripe")
    Payment.objects.filter(pk=payment.pk).update(transaction_id="cs_test_1")
    payment.refresh_from_db()
    body = stripe_event(payment)

    with django_capture_on_commit_callbacks(execute=True):
        first = post_webhook(client, body, stripe_signature(body))
    with django_capture_on_commit_callbacks(execute=True):
        again = post_webhook(client, body, stripe_signature(body))  # Stripe retries

    assert (first.status_code, again.status_code) == (200, 200)
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CONFIRMED
    assert Order.objects.count() == 1 and payment.order is not None
    assert payment.order.sources.get().reference == "pi_3MtwBwLkdIwHu7ix28a3tqPa"


def test_a_stripe_webhook_with_a_wrong_signature_changes_nothing(
    providers: Any, client: Client
) -> None:
    payment = waiting_payment("stripe")
    Payment.objects.filter(pk=payment.pk).update(transaction_id="cs_test_2")
    payment.refresh_from_db()
    body = stripe_event(payment)

    with pytest.raises(stripe.SignatureVerificationError):
        post_webhook(client, body, stripe_signature(body, "whsec_someone_else"))

    payment.refresh_from_db()
    assert payment.status == PaymentStatus.WAITING and not Order.objects.exists()


def test_a_confirmation_for_an_unknown_payment_places_nothing(
    providers: Any, client: Client
) -> None:
    response = client.get("/payments/process/6f1c4bd8-5b43-4a57-9b0a-2a7a1b1b1b1b/")
    assert response.status_code == 404
    assert not Order.objects.exists()


def opayo_crypt(text: str) -> str:
    provider = provider_factory("sagepay")
    return provider.aes_enc(text).decode()


def test_an_opayo_return_is_decrypted_recorded_and_placed(
    providers: Any, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    payment = waiting_payment("sagepay")
    answer = (
        f"VendorTxCode={payment.pk}&VPSTxId={{5D2E7C1C}}&Status=OK&TxAuthNo=8791234"
        "&AVSCV2=ALL MATCH&CAVV=AAAB=&CardType=VISA&Last4Digits=0006"
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(f"/payments/process/{payment.token}/", {"crypt": opayo_crypt(answer)})

    assert response.status_code == 302 and response["Location"] == payment.get_success_url()
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CONFIRMED
    assert (payment.auth_code, payment.security_comment) == ("8791234", "ALL MATCH")
    assert Order.objects.count() == 1


def test_an_opayo_return_that_does_not_decrypt_is_refused(providers: Any, client: Client) -> None:
    payment = waiting_payment("sagepay")
    forged = "@" + "00" * 32
    response = client.get(f"/payments/process/{payment.token}/", {"crypt": forged})

    assert response.status_code == 400
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.WAITING and not Order.objects.exists()


def test_a_declined_opayo_payment_places_no_order(providers: Any, client: Client) -> None:
    payment = waiting_payment("sagepay")
    answer = f"VendorTxCode={payment.pk}&Status=NOTAUTHED&StatusDetail=2000 : Not authorised"
    response = client.get(f"/payments/process/{payment.token}/", {"crypt": opayo_crypt(answer)})

    assert response["Location"] == payment.get_failure_url()
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.REJECTED and not Order.objects.exists()
