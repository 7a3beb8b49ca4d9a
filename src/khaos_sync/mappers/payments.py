"""Shop payment → Khaos PAYMENT_DETAIL: one entry per payment provider.

Khaos asks for different fields per provider, and without the right ones it
cannot release, capture or refund the payment from its own screens (Opayo's
SecurityKey, for one). Every payment carries PAYMENT_AMOUNT, PAYMENT_TYPE,
PREAUTH (0 money taken, -1 pre-authorised) and ACCOUNT_NUMBER (the merchant
account). Card numbers and CV2 are never stored and never sent; the only
CARD_NUMBER Khaos ever gets is PayPal's fixed marker.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final

from khaos_sync.protocol.documents.orders import Payment, PaymentType

if TYPE_CHECKING:
    from khaos_sync.mappers.orders import ShopPayment


class PaymentProblem(Exception):
    """A payment lacks what Khaos needs to manage it; the message says what."""


STRIPE_AUTH_CODE: Final = "AUTH-TOKEN"
PAYPAL: Final = "PAYPAL"


def _opayo(payment: ShopPayment, base: Payment) -> Payment:
    if not payment.reference:
        raise PaymentProblem("Opayo payment has no VendorTxCode: Khaos needs it as PREAUTH_REF")
    if not payment.security_ref:
        raise PaymentProblem(
            "Opayo payment has no SecurityKey: without it Khaos cannot release or refund it"
        )
    return replace(
        base,
        auth_code=_text(payment.auth_code),
        transaction_id=_text(payment.transaction_id),
        preauth_ref=payment.reference,
        security_ref=payment.security_ref,
        security_comment=_text(payment.security_comment),
        card_type=_text(payment.card_type) or base.card_type,
        card_name=_text(payment.card_name),
    )


def _stripe(payment: ShopPayment, base: Payment) -> Payment:
    if not payment.transaction_id:
        raise PaymentProblem("Stripe payment has no charge or payment-intent id")
    return replace(
        base,
        auth_code=STRIPE_AUTH_CODE,
        transaction_id=payment.transaction_id,
        preauth_ref=_text(payment.reference),
        security_ref=_text(payment.security_ref),
        security_comment=_text(payment.security_comment),
        card_type=_text(payment.card_type) or base.card_type,
        card_name=_text(payment.card_name),
    )


def _paypal(payment: ShopPayment, base: Payment) -> Payment:
    if not payment.transaction_id:
        raise PaymentProblem("PayPal payment has no PayPal transaction id")
    return replace(
        base,
        payment_type=int(PaymentType.CARD),
        card_type="",
        card_number=PAYPAL,
        auth_code=PAYPAL,
        transaction_id=payment.transaction_id,
        account_name=PAYPAL,
        preauth=False,
    )


def _worldpay(payment: ShopPayment, base: Payment) -> Payment:
    if not payment.auth_code:
        raise PaymentProblem("Worldpay payment has no authorisation code")
    if not payment.transaction_id:
        raise PaymentProblem("Worldpay payment has no order code")
    return replace(
        base,
        auth_code=payment.auth_code,
        transaction_id=payment.transaction_id,
        security_comment=_text(payment.security_comment),
        card_type=_text(payment.card_type) or base.card_type,
        card_name=_text(payment.card_name),
    )


def _dummy(payment: ShopPayment, base: Payment) -> Payment:
    """The demo shop's test provider: a card payment Khaos treats as authorised."""
    return replace(
        base,
        auth_code=_text(payment.auth_code) or "DUMMY",
        transaction_id=_text(payment.transaction_id),
        preauth_ref=_text(payment.reference),
    )


def _voucher(payment: ShopPayment, base: Payment) -> Payment:
    """A gift voucher redeemed at checkout: Khaos's voucher payment type."""
    return replace(
        base,
        payment_type=int(PaymentType.VOUCHER),
        card_type=None,
        auth_code=_text(payment.auth_code) or _text(payment.reference),
        transaction_id=_text(payment.transaction_id) or _text(payment.reference),
        preauth=False,
    )


def _other(payment: ShopPayment, base: Payment) -> Payment:
    """A source without a known provider: what the checkout recorded, nothing invented."""
    return replace(
        base,
        auth_code=_text(payment.auth_code),
        transaction_id=_text(payment.transaction_id),
        preauth_ref=_text(payment.preauth_ref or (payment.reference if payment.preauth else "")),
        card_name=_text(payment.card_name),
    )


Rule = Callable[["ShopPayment", Payment], Payment]

PROVIDERS: Final[Mapping[str, Rule]] = {
    "sagepay": _opayo,
    "opayo": _opayo,
    "stripe": _stripe,
    "paypal": _paypal,
    "worldpay": _worldpay,
    "dummy": _dummy,
    "voucher": _voucher,
    "": _other,
}


def khaos_payment(
    payment: ShopPayment,
    amount: Decimal,
    *,
    payment_types: Mapping[str, Mapping[str, Any]],
    default_payment_type: int,
    merchant_account: str,
) -> Payment:
    """The PAYMENT_DETAIL of one payment, ``amount`` being its share of the Khaos order."""
    rule = PROVIDERS.get(payment.provider.lower())
    if rule is None:
        raise PaymentProblem(
            f"Payment provider {payment.provider!r} has no Khaos payment rule; "
            f"known: {', '.join(sorted(p for p in PROVIDERS if p))}"
        )
    kind = payment_types.get(payment.source_code, {})
    base = Payment(
        amount=amount,
        payment_type=int(kind.get("type", default_payment_type)),
        card_type=_text(str(kind.get("card_type", ""))),
        preauth=payment.preauth,
        account_number=merchant_account,
        transaction_timestamp=payment.taken_at,
    )
    return rule(payment, base)


def _text(value: str | None) -> str | None:
    text = " ".join((value or "").split())
    return text or None
