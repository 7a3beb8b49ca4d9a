"""What the order builder sends Khaos for an order's payments, for the order's dashboard page.

The builder is deterministic, so the fields are rebuilt from the order rather than
kept twice. The security reference is shown only in part: it lets Khaos release or
refund the payment.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from khaos_sync.mappers.orders import OrderSettings, build_sales_order
from khaos_sync.protocol.documents.orders import Payment
from khaos_sync.store.orders import load_orders, shop_order

FIELDS = (
    ("PAYMENT_AMOUNT", "amount"),
    ("PAYMENT_TYPE", "payment_type"),
    ("PREAUTH", "preauth"),
    ("CARD_TYPE", "card_type"),
    ("AUTH_CODE", "auth_code"),
    ("TRANSACTION_ID", "transaction_id"),
    ("PREAUTH_REF", "preauth_ref"),
    ("SECURITY_REF", "security_ref"),
    ("SECURITY_COMMENT", "security_comment"),
    ("ACCOUNT_NUMBER", "account_number"),
    ("ACCOUNT_NAME", "account_name"),
)


def payments_for_khaos(order: Any) -> list[dict[str, str]]:
    khaos, orders = settings.KHAOS_SYNC["khaos"], settings.KHAOS_SYNC["orders"]
    loaded = load_orders([order.pk]).get(order.pk)
    if loaded is None:
        return []
    built = build_sales_order(shop_order(loaded), OrderSettings.from_config(khaos, orders))
    if built.order is None:
        return []
    return [payment_fields(payment) for payment in built.order.payments]


def payment_fields(payment: Payment) -> dict[str, str]:
    shown = {tag: shown_value(tag, getattr(payment, name)) for tag, name in FIELDS}
    return {tag: value for tag, value in shown.items() if value}


def shown_value(tag: str, value: Any) -> str:
    if value is None:
        return ""
    if tag == "PREAUTH":
        return "-1" if value else "0"
    text = str(value)
    if tag == "SECURITY_REF" and len(text) > 4:
        return "…" + text[-4:]
    return text
