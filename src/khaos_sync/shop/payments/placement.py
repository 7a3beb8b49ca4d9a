"""Start a payment for a checkout, and place its order once the provider confirms it — once.

The order is placed from the payment record (frozen basket, addresses,
shipping method), not from the customer's session, so the return page and the
provider's webhook can both confirm it: whichever comes first places the
order; the other, and any repeat, finds it placed. The payment row is locked
while this happens, and it is tied to one order.
"""

from __future__ import annotations

import logging
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from oscar.apps.checkout.signals import post_checkout
from oscar.core.loading import get_class, get_model
from payments import PaymentStatus

from khaos_sync.shop.payments import details as provider_details
from khaos_sync.shop.payments.models import PLACEMENT_FIELDS, Payment
from khaos_sync.shop.payments.variants import LABELS

logger = logging.getLogger(__name__)

Applicator = get_class("offer.applicator", "Applicator")
OrderCreator = get_class("order.utils", "OrderCreator")
OrderDispatcher = get_class("order.utils", "OrderDispatcher")
OrderTotalCalculator = get_class("checkout.calculators", "OrderTotalCalculator")
Repository = get_class("shipping.repository", "Repository")
Selector = get_class("partner.strategy", "Selector")
FixedPrice = get_class("shipping.methods", "FixedPrice")
BillingAddress = get_model("order", "BillingAddress")
OrderNote = get_model("order", "OrderNote")
ShippingAddress = get_model("order", "ShippingAddress")
Source = get_model("payment", "Source")
SourceType = get_model("payment", "SourceType")
Transaction = get_model("payment", "Transaction")

PAID = (PaymentStatus.CONFIRMED, PaymentStatus.PREAUTH)
FAILED = (PaymentStatus.REJECTED, PaymentStatus.ERROR, PaymentStatus.CANCELLED)
ADDRESS_SKIPPED = {"id", "search_text"}
AUTHORISE, DEBIT = "Authorise", "Debit"


class CannotPlaceOrder(Exception):
    """A confirmed payment whose order cannot be placed: a person must look at it."""


# starting -------------------------------------------------------------------------------


def address_data(address: Any) -> dict[str, Any] | None:
    """An unsaved Oscar address as JSON-ready values."""
    if address is None:
        return None
    values = {}
    for field in address._meta.concrete_fields:
        if field.name in ADDRESS_SKIPPED:
            continue
        value = getattr(address, field.attname)
        values[field.attname] = None if value is None else str(value)
    return values


def start_payment(
    *,
    provider: str,
    order_number: str,
    basket: Any,
    user: Any,
    total: Any,
    shipping_address: Any,
    billing_address: Any,
    shipping_method: Any,
    shipping_charge: Any,
    email: str,
    ip_address: str | None = None,
) -> Payment:
    """The payment record of a submitted checkout, waiting for the customer to pay."""
    billing = billing_address or shipping_address
    payment: Payment = Payment.objects.create(
        variant=provider,
        provider=provider,
        order_number=order_number,
        basket=basket,
        user=user if user is not None and user.is_authenticated else None,
        checkout={
            "shipping_address": address_data(shipping_address),
            "billing_address": address_data(billing_address),
            "shipping_method": shipping_method.code if shipping_method is not None else "",
            "shipping_name": str(shipping_method.name) if shipping_method is not None else "",
            "shipping_charge": _price(shipping_charge),
            "email": email,
        },
        description=f"Order {order_number}",
        currency=total.currency,
        total=total.incl_tax,
        tax=total.incl_tax - total.excl_tax,
        billing_first_name=getattr(billing, "first_name", "") or "",
        billing_last_name=getattr(billing, "last_name", "") or "",
        billing_address_1=getattr(billing, "line1", "") or "",
        billing_address_2=getattr(billing, "line2", "") or "",
        billing_city=getattr(billing, "line4", "") or "",
        billing_postcode=getattr(billing, "postcode", "") or "",
        billing_country_code=getattr(billing, "country_id", "") or "",
        billing_email=email,
        customer_ip_address=ip_address,
    )
    return payment


# confirming -------------------------------------------------------------------------


def on_status_changed(sender: Any, instance: Payment, **kwargs: Any) -> None:
    """A provider said the payment is taken: place the order once the news is stored."""
    if instance.status in PAID and instance.order_id is None:
        pk = instance.pk
        transaction.on_commit(lambda: place_paid_order(pk))


def place_paid_order(payment_pk: int) -> Any | None:
    """The order of a paid payment: placed now, or the one placed before. None: not paid."""
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(pk=payment_pk)
        if payment.order_id is not None:
            return payment.order
        if payment.status not in PAID:
            return None
        order = _place(payment)
    _announce(order, payment)
    return order


def _place(payment: Payment) -> Any:
    basket = payment.basket
    if basket is None or basket.status == basket.SUBMITTED:
        raise CannotPlaceOrder(
            f"payment {payment.token} ({payment.transaction_id}) is confirmed but its basket "
            "is gone or already ordered: refund it or place the order by hand"
        )
    user = payment.user
    basket.strategy = Selector().strategy(user=user)
    Applicator().apply(basket, user, None)
    shipping_address = _address(ShippingAddress, payment.checkout.get("shipping_address"))
    billing_address = _address(BillingAddress, payment.checkout.get("billing_address"))
    method = _shipping_method(basket, user, shipping_address, payment.checkout)
    charge = method.calculate(basket)
    total = OrderTotalCalculator().calculate(basket, charge)
    for address in (shipping_address, billing_address):
        if address is not None:
            address.save()
    order = OrderCreator().place_order(
        basket=basket,
        total=total,
        shipping_method=method,
        shipping_charge=charge,
        user=user,
        shipping_address=shipping_address,
        billing_address=billing_address,
        order_number=payment.order_number,
        guest_email=payment.checkout.get("email", "") if user is None else "",
    )
    _record(payment, order)
    if total.incl_tax != payment.total:
        OrderNote.objects.create(
            order=order,
            note_type="Payment",
            message=f"Paid {payment.total} {payment.currency}; the order totals {total.incl_tax}.",
        )
    basket.submit()
    return order


def _price(price: Any) -> list[str] | None:
    return None if price is None else [str(price.excl_tax), str(price.incl_tax)]


def _address(model: Any, values: dict[str, Any] | None) -> Any | None:
    return None if not values else model(**values)


def _shipping_method(basket: Any, user: Any, address: Any, checkout: dict[str, Any]) -> Any:
    """The checkout's shipping method; at the charge the customer paid if it is not offered now."""
    code = checkout.get("shipping_method", "")
    methods = Repository().get_shipping_methods(basket=basket, user=user, shipping_addr=address)
    for method in methods:
        if method.code == code:
            return method
    charge = checkout.get("shipping_charge")
    if not charge:
        raise CannotPlaceOrder(f"shipping method {code!r} is no longer offered for this basket")
    method = FixedPrice(Decimal(charge[0]), Decimal(charge[1]))
    method.code, method.name = code, checkout.get("shipping_name") or code
    return method


def payment_details(payment: Payment) -> provider_details.PaymentDetails:
    """What the provider's stored confirmation says, per provider."""
    attrs = payment.attrs
    if payment.provider == "stripe":
        return provider_details.stripe_details(getattr(attrs, "session", {}) or {})
    if payment.provider == "paypal":
        return provider_details.paypal_details(getattr(attrs, "response", {}) or {}, payment.token)
    if payment.provider == "sagepay":
        return provider_details.sagepay_details(getattr(attrs, "sagepay", {}) or {})
    name = f"{payment.billing_first_name} {payment.billing_last_name}".strip()
    return provider_details.dummy_details(payment.token, name)


def _record(payment: Payment, order: Any) -> None:
    """The details on the payment record, and Oscar's Source and Transaction for the order."""
    found = payment_details(payment)
    for field in ("auth_code", "reference", "security_ref", "security_comment"):
        setattr(payment, field, getattr(found, field))
    payment.card_name = found.card_name[:128]
    payment.card_type = found.card_type[:32]
    payment.card_last4 = found.card_last4[-4:]
    payment.preauth = payment.status == PaymentStatus.PREAUTH
    payment.confirmed_at = timezone.now()
    amount = Decimal(payment.total)
    source_type, _ = SourceType.objects.get_or_create(
        code=payment.provider, defaults={"name": LABELS.get(payment.provider, payment.provider)}
    )
    last4 = f" ending {payment.card_last4}" if payment.card_last4 else ""
    source = Source.objects.create(
        order=order,
        source_type=source_type,
        currency=payment.currency,
        amount_allocated=amount,
        amount_debited=Decimal("0") if payment.preauth else amount,
        reference=found.transaction_id or payment.transaction_id,
        label=f"{payment.card_type}{last4}".strip(),
    )
    Transaction.objects.create(
        source=source,
        txn_type=AUTHORISE if payment.preauth else DEBIT,
        amount=amount,
        reference=found.auth_code or found.transaction_id or payment.transaction_id,
        status=payment.status,
    )
    payment.order = order
    payment.source = source
    payment.save(update_fields=PLACEMENT_FIELDS)


def _announce(order: Any, payment: Payment) -> None:
    """After the order is stored: the customer's e-mail, and the checkout's signal (the outbox)."""
    user = payment.user
    context = {"user": user, "order": order, "lines": order.lines.all()}
    OrderDispatcher(logger=logger).send_order_placed_email_for_user(order, context)
    post_checkout.send(sender=Payment, order=order, user=user, request=None, response=None)
    logger.info(
        "order placed from payment",
        extra={"order": order.number, "provider": payment.provider, "status": payment.status},
    )


# failing -------------------------------------------------------------------------------


def release_basket(payment: Payment) -> None:
    """A payment that will not be made gives its basket back to the customer."""
    basket = payment.basket
    if basket is not None and basket.status == basket.FROZEN:
        basket.thaw()
