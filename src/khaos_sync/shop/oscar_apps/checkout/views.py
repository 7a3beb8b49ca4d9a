"""Checkout views: Oscar's, with a live stock check before payment (mapping.md §2) and a real
payment step on django-payments (docs/payments.md).

On the payment and preview pages (and when the order is placed) the basket's
Khaos items are checked against Khaos's live levels with one call for the
whole basket, within a time budget; Oscar's own basket validation then applies
the sell rules to the fresh levels. A slow or unreachable Khaos never blocks a
sale: the check falls back to the last levels the shop holds.

"Place order" freezes the basket and starts a payment with the configured
provider (Oscar's redirect pattern); the order itself is placed only when the
provider confirms the payment, by :mod:`khaos_sync.shop.payments.placement`.
"""

from __future__ import annotations

import logging
from typing import Any

from django import http
from django.conf import settings
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views import generic
from oscar.apps.checkout.session import CheckoutSessionMixin
from oscar.apps.checkout.views import *  # noqa: F403  Oscar's documented fork pattern
from oscar.apps.checkout.views import PaymentDetailsView as OscarPaymentDetailsView
from oscar.apps.checkout.views import ShippingAddressView as OscarShippingAddressView
from oscar.apps.payment.exceptions import RedirectRequired, UnableToTakePayment
from oscar.core.loading import get_model
from payments import PaymentError, PaymentStatus, RedirectNeeded

from khaos_sync.shop.oscar_apps.checkout.forms import limit_errors
from khaos_sync.shop.payments.models import Payment
from khaos_sync.shop.payments.placement import (
    FAILED,
    PAID,
    CannotPlaceOrder,
    place_paid_order,
    release_basket,
    start_payment,
)
from khaos_sync.shop.payments.variants import LABELS
from khaos_sync.sync.stock.live import refresh_basket_levels

logger = logging.getLogger("oscar.checkout")

DECLINED = (
    "Your payment was not taken: {reason}. No order was placed and your basket is as you "
    "left it; you can try again or pay another way."
)
NOT_CONFIGURED = "This shop cannot take payments yet. Please contact us to order."


def configured_provider() -> str:
    return str(settings.KHAOS_SYNC["payments"]["provider"])


class ShippingAddressView(OscarShippingAddressView):
    """An address from the address book skips the form: its lengths are checked here."""

    def post(self, request: http.HttpRequest, *args: Any, **kwargs: Any) -> http.HttpResponse:
        if request.POST.get("action") == "ship_to" and request.user.is_authenticated:
            UserAddress = get_model("address", "UserAddress")
            address = UserAddress._default_manager.filter(
                pk=request.POST.get("address_id"), user=request.user
            ).first()
            errors = limit_errors(address) if address is not None else {}
            if errors:
                messages.error(
                    request,
                    "Please edit this address before we send your order to it: "
                    + " ".join(errors.values()),
                )
                return redirect("checkout:user-address-update", pk=address.pk)
        response: http.HttpResponse = super().post(request, *args, **kwargs)
        return response


class PaymentDetailsView(OscarPaymentDetailsView):
    def check_basket_is_valid(self, request):  # type: ignore[no-untyped-def]
        refresh_basket_levels(request.basket)
        super().check_basket_is_valid(request)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context_data(**kwargs)
        provider = configured_provider()
        context["payment_provider"] = LABELS.get(provider, "")
        context["payment_is_test"] = provider == "dummy"
        return context

    def submit(self, **submission: Any) -> http.HttpResponse:
        # handle_payment is only given the order number and total; the payment
        # record needs the rest of the checkout to place the order later.
        self.submission = submission
        response: http.HttpResponse = super().submit(**submission)
        return response

    def handle_payment(self, order_number: str, total: Any, **kwargs: Any) -> None:
        if not total.incl_tax:
            return  # nothing to pay: Oscar places the order at once
        provider = configured_provider()
        if not provider:
            raise UnableToTakePayment(NOT_CONFIGURED)
        submission = self.submission
        payment = start_payment(
            provider=provider,
            order_number=order_number,
            basket=submission["basket"],
            user=submission["user"],
            total=total,
            shipping_address=submission["shipping_address"],
            billing_address=submission["billing_address"],
            shipping_method=submission["shipping_method"],
            shipping_charge=submission["shipping_charge"],
            email=submission["order_kwargs"].get("guest_email") or submission["user"].email,
            ip_address=self.request.META.get("REMOTE_ADDR"),
        )
        raise RedirectRequired(reverse("checkout:pay", kwargs={"token": payment.token}))


class PaymentMixin:
    """Finds the payment of the URL's token (a random UUID only the customer and provider know)."""

    kwargs: dict[str, Any]

    def get_payment(self) -> Payment:
        return get_object_or_404(Payment, token=self.kwargs["token"])


class PayView(PaymentMixin, generic.TemplateView):
    """The provider's own form (the dummy's choices, Opayo's auto-posting form) or its redirect."""

    template_name = "oscar/checkout/pay.html"

    def dispatch(self, request: http.HttpRequest, *args: Any, **kwargs: Any) -> http.HttpResponse:
        payment = self.get_payment()
        if payment.status in PAID or payment.order_id:
            return redirect(payment.get_success_url())
        if payment.status in FAILED:
            return redirect(payment.get_failure_url())
        data = request.POST if request.method == "POST" else None
        try:
            form = payment.get_form(data=data)
        except RedirectNeeded as needed:
            return redirect(str(needed))
        except PaymentError as error:
            logger.warning("payment %s: provider error %s", payment.token, error)
            payment.change_status(PaymentStatus.ERROR, str(error))
            return redirect(payment.get_failure_url())
        context = {
            "form": form,
            "payment": payment,
            "provider_label": LABELS.get(payment.provider, payment.provider),
            "is_test": payment.provider == "dummy",
        }
        return self.render_to_response(context)


class PaymentReturnView(PaymentMixin, CheckoutSessionMixin, generic.TemplateView):
    """Where the provider sends the customer back: the order if paid, a wait if not yet known."""

    template_name = "oscar/checkout/payment_waiting.html"
    pre_conditions: list[str] = []
    skip_conditions: list[str] = []

    def get(self, request: http.HttpRequest, *args: Any, **kwargs: Any) -> http.HttpResponse:
        payment = self.get_payment()
        if payment.status == PaymentStatus.WAITING:
            refresh_status(payment)
        if payment.status in FAILED:
            return redirect(payment.get_failure_url())
        if payment.status not in PAID:
            return self.render_to_response({"payment": payment})
        try:
            order = place_paid_order(payment.pk)
        except CannotPlaceOrder:
            logger.exception("payment %s: paid but no order could be placed", payment.token)
            messages.error(request, "Your payment was taken but we could not place the order; "
                           "we will contact you.")  # fmt: skip
            return redirect("basket:summary")
        return self.thank_you(order)

    def thank_you(self, order: Any) -> http.HttpResponse:
        self.checkout_session.flush()
        self.request.session["checkout_order_id"] = order.id
        return redirect("checkout:thank-you")


class PaymentFailedView(PaymentMixin, CheckoutSessionMixin, generic.View):
    """Declined, failed or abandoned: no order, the basket back, and why."""

    pre_conditions: list[str] = []
    skip_conditions: list[str] = []

    def get(self, request: http.HttpRequest, *args: Any, **kwargs: Any) -> http.HttpResponse:
        payment = self.get_payment()
        if payment.status in PAID:
            return redirect(payment.get_success_url())
        if payment.status not in FAILED:
            payment.change_status(PaymentStatus.CANCELLED, "abandoned by the customer")
        release_basket(payment)
        current = getattr(request, "basket", None)
        if payment.basket is not None and current is not None and current.id != payment.basket.id:
            payment.basket.merge(current)
        messages.error(request, DECLINED.format(reason=decline_reason(payment)))
        return redirect("basket:summary")


def decline_reason(payment: Payment) -> str:
    if payment.status == PaymentStatus.REJECTED:
        return "the payment was declined"
    if payment.status == PaymentStatus.CANCELLED:
        return "the payment was cancelled"
    return "the payment provider reported an error"


def refresh_status(payment: Payment) -> None:
    """Ask the provider, where it can be asked, about a payment still waiting for its webhook."""
    from payments.core import provider_factory

    provider = provider_factory(payment.variant, payment)
    status = getattr(provider, "status", None)
    if status is not None:
        status(payment)
