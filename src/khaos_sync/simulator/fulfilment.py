"""What happens to an order after import: invoice stages, shipments, cancellation.

An order starts with one open invoice holding every line. Moving it through
stages changes that invoice. Shipping part of an order splits the shipped
quantities onto a new, issued invoice with its consignment; the rest stays on
the open invoice. Shipping what remains issues the open invoice itself.
Cancelling returns unsent stock to its site and closes the open invoice.
"""

from __future__ import annotations

from collections.abc import Mapping

from khaos_sync.simulator import reference
from khaos_sync.simulator.order_book import find_order, invoices_of, save_invoice, save_order
from khaos_sync.simulator.orders_model import Invoice, Order
from khaos_sync.simulator.store import Store


class FulfilmentError(ValueError):
    """The requested change does not fit the order's state."""


def load(store: Store, reference_text: str) -> tuple[Order, list[Invoice]]:
    order = find_order(store, reference_text)
    if order is None:
        raise FulfilmentError(f"no order with code or associated ref {reference_text!r}")
    return order, invoices_of(store, [order.order_id])[order.order_id]


def open_invoice(invoices: list[Invoice]) -> Invoice | None:
    return next((inv for inv in invoices if not inv.issued and inv.stage != 0), None)


def set_stage(store: Store, order_ref: str, stage: int) -> Invoice:
    if stage not in reference.INVOICE_STAGES:
        raise FulfilmentError(
            f"unknown invoice stage {stage}; known: {sorted(reference.INVOICE_STAGES)}"
        )
    with store.write():
        order, invoices = load(store, order_ref)
        _refuse_if_cancelled(order)
        invoice = open_invoice(invoices)
        if invoice is None:
            raise FulfilmentError(f"order {order.code} has no open invoice")
        now = store.now()
        invoice.stage, invoice.changed, invoice.moved = stage, now, True
        if invoice.issued:
            invoice.issue_date = now
            invoice.ship_date = invoice.ship_date or now
            _mark_sent(order, invoice.quantities)
        save_invoice(store, invoice)
        order.changed = now
        save_order(store, order)
    return invoice


def ship(
    store: Store,
    order_ref: str,
    quantities: Mapping[str, int] | None = None,
    *,
    consignment_ref: str,
    courier: str = reference.DEFAULT_COURIER,
    tracking_url: str | None = None,
) -> Invoice:
    """Ship ``quantities`` (stock code -> qty; all outstanding when None)."""
    with store.write():
        order, invoices = load(store, order_ref)
        _refuse_if_cancelled(order)
        current = open_invoice(invoices)
        if current is None:
            raise FulfilmentError(f"order {order.code} has nothing left to ship")
        shipped = _shipped_lines(order, current, quantities)
        now = store.now()
        courier_name, url_template = reference.COURIERS.get(courier, (courier, ""))
        remaining = {n: q - shipped.get(n, 0) for n, q in current.quantities.items()}
        remaining = {n: q for n, q in remaining.items() if q > 0}
        if remaining:
            current.quantities, current.changed = remaining, now
            save_invoice(store, current)
            invoice_id = store.next_number("invoice")
            target = Invoice(invoice_id, order.order_id, f"IN{invoice_id}", 70, now, now, shipped)
        else:
            target = current
        target.stage, target.changed, target.moved = 70, now, True
        target.courier = courier_name
        target.consignment_ref = consignment_ref
        target.tracking_url = (
            tracking_url if tracking_url is not None else url_template.format(ref=consignment_ref)
        )
        target.ship_date = target.issue_date = now
        save_invoice(store, target)
        _mark_sent(order, shipped)
        order.changed = now
        save_order(store, order)
    return target


def cancel(store: Store, order_ref: str, reason: str, user: str = "Khaos") -> Order:
    with store.write():
        order, invoices = load(store, order_ref)
        _refuse_if_cancelled(order)
        now = store.now()
        for line in order.lines:
            if line.stock_controlled and line.qty_outstanding > 0:
                store.add_level(line.stock_id, line.site_id, line.qty_outstanding)
        store.touch_items(
            {line.stock_id for line in order.lines if line.stock_controlled}, "moved", now
        )
        current = open_invoice(invoices)
        if current is not None:
            current.stage, current.changed, current.moved = 0, now, True
            save_invoice(store, current)
        order.cancelled_at, order.cancel_reason, order.cancel_user = now, reason, user
        order.changed = now
        save_order(store, order)
    return order


def _refuse_if_cancelled(order: Order) -> None:
    if order.cancelled_at is not None:
        raise FulfilmentError(f"order {order.code} was cancelled")


def _shipped_lines(
    order: Order, current: Invoice, quantities: Mapping[str, int] | None
) -> dict[int, int]:
    if quantities is None:
        return dict(current.quantities)
    shipped: dict[int, int] = {}
    for code, qty in quantities.items():
        remaining = qty
        for line in order.lines:
            if line.code != code or remaining <= 0:
                continue
            available = current.quantities.get(line.line_no, 0) - shipped.get(line.line_no, 0)
            take = min(available, remaining)
            if take > 0:
                shipped[line.line_no] = shipped.get(line.line_no, 0) + take
                remaining -= take
        if remaining > 0:
            raise FulfilmentError(
                f"order {order.code}: cannot ship {qty} of {code} (not outstanding)"
            )
    if not shipped:
        raise FulfilmentError(f"order {order.code}: nothing to ship")
    return shipped


def _mark_sent(order: Order, quantities: Mapping[int, int]) -> None:
    for line in order.lines:
        line.qty_sent += quantities.get(line.line_no, 0)
