"""Applies Khaos order statuses to Oscar orders, as a person in the dashboard would.

Status changes go through Oscar's ``EventHandler`` (so ``order_status_changed``
fires, the line status cascade runs and status changes are recorded);
consignments become Oscar shipping events with line quantities plus a
``Shipment`` holding the tracking details. Everything here is idempotent:
applying the same change twice leaves the order as it was.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from oscar.core.loading import get_class, get_model

from khaos_sync.mappers.pipeline import (
    STATUS_CANCELLED,
    STATUS_DISPATCHED,
    STATUS_PART_DISPATCHED,
    STATUS_PENDING,
    STATUS_PROCESSING,
)
from khaos_sync.mappers.status import LineRef, ShipmentSpec, StatusChange, allocate
from khaos_sync.sync.status.models import OrderStatusBinding, Shipment, ShipmentLine

log = logging.getLogger(__name__)

Order = get_model("order", "Order")
Line = get_model("order", "Line")
ShippingEventType = get_model("order", "ShippingEventType")
EventHandler = get_class("order.processing", "EventHandler")
OrderDispatcher = get_class("order.utils", "OrderDispatcher")

DISPATCHED_EVENT = "Dispatched"
DISPATCH_EMAIL_CODE = "ORDER_DISPATCHED"


@dataclass
class Applied:
    """What applying one status change did to the shop order."""

    status_changed: bool = False
    forbidden: str = ""
    shipments_created: int = 0
    shipments_updated: int = 0
    lines_changed: int = 0
    unmatched_items: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(
            self.status_changed
            or self.shipments_created
            or self.shipments_updated
            or self.lines_changed
        )


def apply_change(order: Any, change: StatusChange, handler: Any | None = None) -> Applied:
    """Shipments first, so that the order and line statuses see what was sent."""
    handler = handler or EventHandler()
    applied = Applied()
    for spec in change.shipments:
        record_shipment(order, spec, handler, applied)
    set_order_status(order, change, handler, applied)
    applied.lines_changed = follow_line_statuses(order)
    bind(order, change)
    return applied


def locked_order(order_id: int) -> Any:
    return Order.objects.select_for_update().get(pk=order_id)


# --- order status --------------------------------------------------------------


def set_order_status(order: Any, change: StatusChange, handler: Any, applied: Applied) -> None:
    target = change.status
    if target is None or target == order.status:
        return
    if target not in order.available_statuses():
        # The pipeline forbids it (e.g. a dispatched order is final): keep the shop's status.
        applied.forbidden = f"{order.status} → {target}"
        log.warning(
            "status change not allowed by the pipeline",
            extra={"order": order.number, "from_status": order.status, "to_status": target},
        )
        return
    note = (
        change.cancellation.note() if target == STATUS_CANCELLED and change.cancellation else None
    )
    handler.handle_order_status_change(order, target, note_msg=note)
    applied.status_changed = True


def follow_line_statuses(order: Any) -> int:
    """Sent lines become Dispatched / Part dispatched; unsent lines follow the order."""
    sent = sent_quantities(order)
    changed = 0
    for line in order.lines.all():
        target = line_status(order.status, line.status, sent.get(line.pk, 0), line.quantity)
        if target and target != line.status and target in line.available_statuses():
            line.set_status(target)
            changed += 1
    return changed


def line_status(order_status: str, current: str, sent: int, quantity: int) -> str | None:
    if sent >= quantity:
        return STATUS_DISPATCHED
    if sent:
        return STATUS_PART_DISPATCHED
    if order_status == STATUS_CANCELLED:
        return None  # Oscar's cascade already cancelled what can be cancelled
    if order_status == STATUS_PART_DISPATCHED:
        # An unsent line of a part-sent order keeps its own stage, but it is in
        # Khaos's hands: no longer merely placed.
        return STATUS_PROCESSING if current == STATUS_PENDING else None
    return order_status


def sent_quantities(order: Any) -> dict[int, int]:
    rows = (
        ShipmentLine.objects.filter(shipment__order=order)
        .values("line_id")
        .annotate(total=Sum("quantity"))
    )
    return {row["line_id"]: row["total"] for row in rows}


# --- shipments -------------------------------------------------------------------


def record_shipment(order: Any, spec: ShipmentSpec, handler: Any, applied: Applied) -> None:
    existing = Shipment.objects.filter(order=order, key=spec.key).first()
    if existing is not None:
        if update_tracking(existing, spec):
            applied.shipments_updated += 1
        return
    lines = {line.pk: line for line in order.lines.select_related("product__khaos")}
    allocation = allocate(spec.items, line_refs(lines.values(), sent_quantities(order)))
    applied.unmatched_items += sum(item.quantity for item in allocation.unmatched)
    shipped = [(lines[line_id], qty) for line_id, qty in allocation.quantities.items()]
    event = None
    if shipped:
        event = handler.handle_shipping_event(
            order,
            dispatched_event_type(),
            [line for line, _qty in shipped],
            [qty for _line, qty in shipped],
            reference=spec.consignment_ref,
        )
    shipment = Shipment.objects.create(
        order=order,
        shipping_event=event,
        key=spec.key,
        invoice_code=spec.invoice_code,
        courier=spec.courier,
        consignment_ref=spec.consignment_ref,
        tracking_url=spec.tracking_url,
        shipped_on=spec.shipped_on,
    )
    ShipmentLine.objects.bulk_create(
        [ShipmentLine(shipment=shipment, line=line, quantity=qty) for line, qty in shipped]
    )
    applied.shipments_created += 1


def update_tracking(shipment: Any, spec: ShipmentSpec) -> bool:
    """Khaos may add or correct a consignment reference after the parcel left."""
    wanted = {
        "courier": spec.courier,
        "consignment_ref": spec.consignment_ref,
        "tracking_url": spec.tracking_url,
    }
    changed = [name for name, value in wanted.items() if getattr(shipment, name) != value]
    for name in changed:
        setattr(shipment, name, wanted[name])
    if changed:
        shipment.save(update_fields=changed)
    return bool(changed)


def line_refs(lines: Any, sent: dict[int, int]) -> list[LineRef]:
    return [
        LineRef(line.pk, stock_codes_of(line), max(line.quantity - sent.get(line.pk, 0), 0))
        for line in lines
    ]


def stock_codes_of(line: Any) -> frozenset[str]:
    """The code the line was sold under and the product's current Khaos code."""
    codes = {line.partner_sku}
    binding = getattr(line.product, "khaos", None) if line.product_id else None
    if binding is not None:
        codes.add(binding.stock_code)
    return frozenset(code for code in codes if code)


def dispatched_event_type() -> Any:
    event_type, _created = ShippingEventType.objects.get_or_create(
        name=DISPATCHED_EVENT, defaults={"code": "dispatched"}
    )
    return event_type


def bind(order: Any, change: StatusChange) -> None:
    OrderStatusBinding.objects.update_or_create(
        order=order,
        defaults={
            "khaos_order_code": change.khaos_order_code,
            "khaos_status": change.status or "",
            "synced_hash": change.fingerprint(),
            "synced_at": timezone.now(),
        },
    )


# --- the dispatch e-mail -----------------------------------------------------------


def shipments_to_notify() -> Any:
    return Shipment.objects.filter(customer_notified_at__isnull=True).select_related("order")


def send_dispatch_email(shipment: Any) -> None:
    """E-mail the customer about one consignment (with its tracking link), once.

    Oscar's dispatcher sends it and records the communication event. The
    shipment is marked in the same transaction, so two workers never both send
    it and a failed send rolls the mark back for the next run to try again.
    """
    with transaction.atomic():
        marked = Shipment.objects.filter(pk=shipment.pk, customer_notified_at__isnull=True).update(
            customer_notified_at=timezone.now()
        )
        if not marked:
            return
        order = shipment.order
        if not (order.user_id or order.guest_email):
            log.info("no e-mail address for the dispatch e-mail", extra={"order": order.number})
            return
        dispatcher = OrderDispatcher(logger=log)
        messages = dispatcher.dispatcher.get_messages(
            DISPATCH_EMAIL_CODE, dispatch_context(order, shipment)
        )
        dispatcher.dispatch_order_messages(order, messages, DISPATCH_EMAIL_CODE)


def dispatch_context(order: Any, shipment: Any) -> dict[str, Any]:
    context: dict[str, Any] = {
        "order": order,
        "shipment": shipment,
        "shipped_lines": list(shipment.lines.select_related("line")),
    }
    path = order_status_path(order)
    if path:
        context["status_path"] = path
    return context


def order_status_path(order: Any) -> str:
    try:
        if order.user_id:
            return reverse("customer:order", kwargs={"order_number": order.number})
        return reverse(
            "customer:anon-order",
            kwargs={"order_number": order.number, "hash": order.verification_hash()},
        )
    except NoReverseMatch:
        return ""
