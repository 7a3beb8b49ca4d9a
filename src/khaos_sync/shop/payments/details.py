"""What each provider's confirmation says, reduced to the details Khaos asks for.

Pure functions over the provider's own documented payloads (a Stripe Checkout
Session with its payment intent and charge, a PayPal executed payment, an
Opayo Form response), so they are tested on recorded payloads. Card numbers
and CV2 never appear in these payloads; only the last four digits are read.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class PaymentDetails:
    transaction_id: str = ""  # the provider's id of the money movement
    auth_code: str = ""  # the bank's authorisation code, where the provider gives it
    reference: str = ""  # the shop's own transaction reference sent to the provider
    security_ref: str = ""  # Opayo SecurityKey, Stripe customer, PayPal payer id
    security_comment: str = ""  # AVS/CV2 result text
    card_name: str = ""
    card_type: str = ""
    card_last4: str = ""


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _get(data: Any, *path: str | int) -> Any:
    """``data[a][b]…`` or None when any step is missing (payloads vary by API version)."""
    for step in path:
        if isinstance(data, Mapping) and isinstance(step, str):
            data = data.get(step)
        elif isinstance(data, list) and isinstance(step, int) and -len(data) <= step < len(data):
            data = data[step]
        else:
            return None
    return data


# Stripe ---------------------------------------------------------------------------------

STRIPE_CHECKS = (
    ("cvc_check", "CVC"),
    ("address_line1_check", "ADDRESS"),
    ("address_postal_code_check", "POSTCODE"),
)


def stripe_details(session: Mapping[str, Any]) -> PaymentDetails:
    """A Checkout Session, its ``payment_intent`` expanded with ``latest_charge`` where fetched."""
    intent = session.get("payment_intent")
    charge = _get(intent, "latest_charge")
    card = _get(charge, "payment_method_details", "card") or {}
    intent_id = intent if isinstance(intent, str) else _get(intent, "id")
    customer = session.get("customer")
    customer_id = customer if isinstance(customer, str) else _get(customer, "id")
    return PaymentDetails(
        transaction_id=_text(intent_id or _get(charge, "id") or session.get("id")),
        reference=_text(session.get("client_reference_id")),
        security_ref=_text(customer_id),
        security_comment=stripe_checks(_get(card, "checks") or {}),
        card_name=_text(
            _get(charge, "billing_details", "name") or _get(session, "customer_details", "name")
        ),
        card_type=_text(_get(card, "brand")).upper(),
        card_last4=_text(_get(card, "last4")),
    )


def stripe_checks(checks: Mapping[str, Any]) -> str:
    """``{"cvc_check": "pass", …}`` → "CVC PASS, ADDRESS PASS, POSTCODE FAIL"."""
    parts = [
        f"{label} {_text(checks[key]).upper()}" for key, label in STRIPE_CHECKS if checks.get(key)
    ]
    return ", ".join(parts)


# PayPal ---------------------------------------------------------------------------------


def paypal_details(executed: Mapping[str, Any], reference: str = "") -> PaymentDetails:
    """An executed PayPal payment (REST v1 ``/payments/payment/{id}/execute``)."""
    resource = _get(executed, "transactions", 0, "related_resources", 0) or {}
    money = resource.get("sale") or resource.get("authorization") or {}
    payer = _get(executed, "payer", "payer_info") or {}
    name = " ".join(_text(payer.get(k)) for k in ("first_name", "last_name") if payer.get(k))
    return PaymentDetails(
        transaction_id=_text(money.get("id")),
        auth_code="",
        reference=reference or _text(executed.get("id")),
        security_ref=_text(payer.get("payer_id")),
        security_comment=_text(_get(executed, "payer", "status")),
        card_name=name,
    )


# Opayo / Sage Pay -----------------------------------------------------------------------

# The Form integration's response fields that may be kept; anything else is dropped.
SAGEPAY_KEPT = (
    "Status",
    "StatusDetail",
    "VendorTxCode",
    "VPSTxId",
    "TxAuthNo",
    "SecurityKey",
    "AVSCV2",
    "AddressResult",
    "PostCodeResult",
    "CV2Result",
    "3DSecureStatus",
    "CardType",
    "CardHolder",
    "Last4Digits",
    "Amount",
    "BankAuthCode",
    "DeclineCode",
)


def sagepay_fields(decrypted: Mapping[str, str]) -> dict[str, str]:
    """The response fields worth keeping, and nothing else."""
    return {key: decrypted[key] for key in SAGEPAY_KEPT if key in decrypted}


def sagepay_details(fields: Mapping[str, str]) -> PaymentDetails:
    """An Opayo Form response (decrypted ``crypt``), or a Server/Direct notification."""
    return PaymentDetails(
        transaction_id=_text(fields.get("VPSTxId")),
        auth_code=_text(fields.get("TxAuthNo")),
        reference=_text(fields.get("VendorTxCode")),
        security_ref=_text(fields.get("SecurityKey")),
        security_comment=_text(fields.get("AVSCV2")),
        card_name=_text(fields.get("CardHolder")),
        card_type=_text(fields.get("CardType")).upper(),
        card_last4=_text(fields.get("Last4Digits")),
    )


# The dummy provider -------------------------------------------------------------------


def dummy_details(token: str, name: str = "") -> PaymentDetails:
    """The test provider has no gateway; references are made up from the payment's token."""
    short = token.replace("-", "")[:12].upper()
    return PaymentDetails(
        transaction_id=f"DUMMY-{short}",
        auth_code=f"T{short[:6]}",
        reference=token,
        security_comment="TEST PAYMENT",
        card_name=name,
        card_type="VISA",
        card_last4="4242",
    )
