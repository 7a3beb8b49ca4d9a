"""django-payments' providers, each keeping what its gateway said for the order's payment details.

Only the recording is added; talking to the gateway is the library's.
"""

from __future__ import annotations

import binascii
import logging
from typing import Any

import stripe
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect
from payments import PaymentStatus
from payments.sagepay import SagepayProvider as LibrarySagepayProvider
from payments.stripe import StripeProviderV3

from khaos_sync.shop.payments.details import sagepay_fields

logger = logging.getLogger(__name__)


class StripeProvider(StripeProviderV3):
    """Stripe Checkout; the webhook's signature is checked by the library before anything is read."""

    def process_data(self, payment: Any, request: HttpRequest) -> HttpResponse:
        response: HttpResponse = super().process_data(payment, request)
        if payment.status == PaymentStatus.CONFIRMED:
            self.fetch_session(payment)
        return response

    def status(self, payment: Any) -> Any:
        """The return page's question to Stripe when the webhook has not arrived yet."""
        if payment.status == PaymentStatus.WAITING and payment.transaction_id:
            session = self.fetch_session(payment)
            if session is not None and session.get("payment_status") == "paid":
                payment.captured_amount = payment.total
                payment.change_status(PaymentStatus.CONFIRMED)
        return payment

    def fetch_session(self, payment: Any) -> Any:
        """The session with its payment intent and charge: card brand, last four, CVC/AVS checks."""
        stripe.api_key = self.api_key
        try:
            session = stripe.checkout.Session.retrieve(
                payment.transaction_id, expand=["payment_intent.latest_charge", "customer"]
            )
        except stripe.StripeError:
            logger.warning(
                "Stripe session %s could not be read; card details stay empty",
                payment.transaction_id,
                exc_info=True,
            )
            return None
        payment.attrs.session = session
        payment.save(update_fields=["extra_data"])
        return session


class SagepayProvider(LibrarySagepayProvider):
    """Opayo Form: the response is encrypted with the shop's key, which is what authenticates it."""

    def process_data(self, payment: Any, request: HttpRequest) -> HttpResponse:
        try:
            decrypted = self.aes_dec(request.GET["crypt"].encode())
            fields = dict(pair.split("=", 1) for pair in decrypted.split("&") if "=" in pair)
        except (KeyError, ValueError, UnicodeDecodeError, binascii.Error):
            logger.warning("Opayo response for payment %s did not decrypt", payment.pk)
            return HttpResponseBadRequest("unreadable Opayo response")
        payment.attrs.sagepay = sagepay_fields(fields)
        payment.save(update_fields=["extra_data"])
        # The library's own process_data cannot read a real request (it strips
        # bytes from text), so its three-line decision is made here.
        if payment.status == PaymentStatus.WAITING:
            if fields.get("Status") == "OK":
                payment.captured_amount = payment.total
                payment.change_status(PaymentStatus.CONFIRMED)
            else:
                payment.change_status(PaymentStatus.REJECTED, fields.get("StatusDetail", ""))
        if payment.status == PaymentStatus.CONFIRMED:
            return redirect(payment.get_success_url())
        return redirect(payment.get_failure_url())
