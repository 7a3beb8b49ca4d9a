"""Khaos state of orders on Oscar's order dashboard pages."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template

from khaos_sync.sync.orders.models import OrderExport
from khaos_sync.sync.orders.sent import payments_for_khaos
from khaos_sync.sync.orders.views import state_counts

register = template.Library()

BADGES = {
    "queued": "secondary",
    "sending": "info",
    "imported": "success",
    "held": "danger",
    "failed": "danger",
    "not_for_khaos": "light",
}


@register.simple_tag
def khaos_exports(orders: Iterable[Any]) -> dict[int, OrderExport]:
    """The export rows of a page of orders, in one query."""
    ids = [order.pk for order in orders]
    return {export.order_id: export for export in OrderExport.objects.filter(order_id__in=ids)}


@register.simple_tag
def khaos_export_of(order: Any) -> OrderExport | None:
    return OrderExport.objects.filter(order_id=order.pk).first()


@register.simple_tag
def khaos_outbox_counts() -> dict[str, int]:
    return state_counts()


@register.filter
def lookup(mapping: dict[Any, Any], key: Any) -> Any:
    return mapping.get(key)


@register.filter
def khaos_badge(state: str) -> str:
    return BADGES.get(state, "secondary")


@register.simple_tag
def khaos_payments_sent(order: Any) -> list[dict[str, str]]:
    """The PAYMENT_DETAIL fields Khaos receives for the order, as its builder makes them."""
    return payments_for_khaos(order)
