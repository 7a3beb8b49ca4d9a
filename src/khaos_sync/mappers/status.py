"""Khaos order statuses to what the shop order should show (mapping.md §8).

Pure: an ``OrderStatusEx`` record and the stage table in, a ``StatusChange``
out. The change says which shop status the order should have, which
consignments were sent (each becomes a shipment) and whether Khaos cancelled
the order. Matching sent items to the shop's order lines is pure too
(:func:`allocate`): the store adapter only hands it the lines.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import ROUND_CEILING, Decimal
from typing import Any
from urllib.parse import urlparse

from khaos_sync.mappers.pipeline import (
    STATUS_AWAITING_PAYMENT,
    STATUS_CANCELLED,
    STATUS_DISPATCHED,
    STATUS_DISPATCHING,
    STATUS_ON_HOLD,
    STATUS_PART_DISPATCHED,
    STATUS_PICKING,
    STATUS_PROCESSING,
)
from khaos_sync.protocol.documents.order_status import (
    Box,
    Invoice,
    InvoiceStage,
    OrderStatusEx,
    ShippedItem,
)

S = InvoiceStage
_DEFAULTS = {
    S.RELEASED: STATUS_PROCESSING,
    S.STAGING: STATUS_PROCESSING,
    S.AUTHORISE_PAYMENT: STATUS_AWAITING_PAYMENT,
    S.PICKING: STATUS_PICKING,
    S.PACKING: STATUS_PICKING,
    S.PROCESSING: STATUS_PICKING,
    S.SHIPPING: STATUS_DISPATCHING,
    S.PRINTING_INVOICES: STATUS_DISPATCHING,
    S.COMPLETE_AWAITING_ISSUE: STATUS_DISPATCHED,
    S.ISSUED: STATUS_DISPATCHED,
    S.ISSUED_ARCHIVED: STATUS_DISPATCHED,
    S.FUTURE_DATE: STATUS_ON_HOLD,
    S.AWAITING_STOCK: STATUS_ON_HOLD,
    S.MANUAL_HOLD: STATUS_ON_HOLD,
    S.HELD_ON_TERMS: STATUS_ON_HOLD,
}
DEFAULT_STAGE_STATUSES: Mapping[int, str] = {int(stage): s for stage, s in _DEFAULTS.items()}
# A stage may be mapped to these; "Part dispatched" and "Cancelled" come from
# the shipments and the CANCELLED element, never from a single stage.
MAPPABLE_STATUSES = (
    STATUS_PROCESSING,
    STATUS_AWAITING_PAYMENT,
    STATUS_PICKING,
    STATUS_DISPATCHING,
    STATUS_ON_HOLD,
    STATUS_DISPATCHED,
)
# When the unsent invoices of one order sit at different stages, the one that
# is furthest from the customer speaks for the order: a hold is news to them.
LEAST_ADVANCED_FIRST = (
    STATUS_ON_HOLD,
    STATUS_AWAITING_PAYMENT,
    STATUS_PROCESSING,
    STATUS_PICKING,
    STATUS_DISPATCHING,
)
TRACKING_SCHEMES = ("http", "https")


class StatusMappingError(ValueError):
    """A status record the shop cannot act on (no shop order reference)."""


@dataclass(frozen=True)
class SentItem:
    """A quantity of one item in a consignment, with the shop line id when Khaos has it."""

    import_ref: str | None
    stock_code: str | None
    quantity: int


@dataclass(frozen=True)
class ShipmentSpec:
    # Stable across exports: the invoice, plus the consignment when an invoice
    # went out in several boxes with their own references.
    key: str
    invoice_code: str
    courier: str
    consignment_ref: str
    tracking_url: str
    shipped_on: date | None
    items: tuple[SentItem, ...]


@dataclass(frozen=True)
class CancellationSpec:
    reason: str
    user_name: str
    cancelled_on: date | None

    def note(self) -> str:
        who = f" by {self.user_name}" if self.user_name else ""
        when = f" on {self.cancelled_on:%d/%m/%Y}" if self.cancelled_on else ""
        return f"Cancelled in Khaos{who}{when}: {self.reason or 'no reason given'}"


@dataclass(frozen=True)
class StatusChange:
    """What the shop order should look like after this Khaos status."""

    order_number: str
    khaos_order_code: str
    status: str | None
    cancellation: CancellationSpec | None
    shipments: tuple[ShipmentSpec, ...]
    unknown_stages: tuple[int, ...] = ()

    def fingerprint(self) -> str:
        """Equal for two exports that would change nothing (MOVED and the like are not in it)."""
        text = json.dumps(asdict(self), sort_keys=True, default=str)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


# --- the stage table -------------------------------------------------------------


def parse_stage_statuses(name: str, value: Any) -> dict[int, str]:
    """Configuration: ``{"19" = "Processing"}`` (TOML) or ``"19:Processing,17:"`` (env).

    Entries replace the defaults of mapping §8 stage by stage; an empty status
    makes the shop ignore that stage.
    """
    entries = _stage_entries(name, value)
    table = dict(DEFAULT_STAGE_STATUSES)
    for stage_text, status in entries.items():
        try:
            stage = int(str(stage_text).strip())
        except ValueError:
            raise ValueError(f"{name}: {stage_text!r} is not an invoice stage id") from None
        status = str(status).strip()
        if not status:
            table.pop(stage, None)
        elif status in MAPPABLE_STATUSES:
            table[stage] = status
        else:
            raise ValueError(
                f"{name}.{stage}: {status!r} is not a shop status; "
                f"use one of {', '.join(MAPPABLE_STATUSES)} (or empty to ignore the stage)"
            )
    return table


def _stage_entries(name: str, value: Any) -> dict[str, Any]:
    if isinstance(value, dict):
        return dict(value)
    if isinstance(value, str):
        entries: dict[str, Any] = {}
        for part in filter(None, (p.strip() for p in value.split(","))):
            stage, sep, status = part.partition(":")
            if not sep:
                raise ValueError(f"{name}: {part!r} should look like 19:On hold")
            entries[stage] = status
        return entries
    raise ValueError(f'{name} must be a table like {{ "19" = "On hold" }}')


# --- the order status --------------------------------------------------------------


def map_order_status(record: OrderStatusEx, table: Mapping[int, str]) -> StatusChange:
    if not record.associated_ref:
        raise StatusMappingError(f"Khaos order {record.order_code or '?'} has no ASSOCIATED_REF")
    status, unknown = shop_status(record, table)
    cancellation = record.cancellation
    return StatusChange(
        order_number=record.associated_ref,
        khaos_order_code=record.order_code or "",
        status=status,
        cancellation=None
        if cancellation is None
        else CancellationSpec(
            reason=(cancellation.reason or "").strip(),
            user_name=cancellation.user_name or "",
            cancelled_on=cancellation.cancelled_at.date() if cancellation.cancelled_at else None,
        ),
        shipments=tuple(spec for invoice in record.invoices for spec in invoice_shipments(invoice)),
        unknown_stages=unknown,
    )


def shop_status(
    record: OrderStatusEx, table: Mapping[int, str]
) -> tuple[str | None, tuple[int, ...]]:
    """The order's status from all its invoices, and the stages the table does not know."""
    stages = [invoice.stage_id for invoice in record.invoices if invoice.stage_id is not None]
    unknown = tuple(sorted({stage for stage in stages if stage not in table}))
    if record.cancelled:
        return STATUS_CANCELLED, unknown
    statuses = [table[stage] for stage in stages if stage in table]
    if not statuses:
        return None, unknown
    sent = statuses.count(STATUS_DISPATCHED)
    if sent == len(statuses):
        return STATUS_DISPATCHED, unknown
    if sent:
        return STATUS_PART_DISPATCHED, unknown
    return min(statuses, key=_progress), unknown


def _progress(status: str) -> int:
    return LEAST_ADVANCED_FIRST.index(status) if status in LEAST_ADVANCED_FIRST else 0


# --- consignments ------------------------------------------------------------------


def invoice_shipments(invoice: Invoice) -> list[ShipmentSpec]:
    """One shipment per consignment of a sent invoice; none while nothing is sent."""
    boxes = [box for box in invoice.boxes if box.shipped]
    by_ref: dict[str, list[Box]] = {}
    for box in boxes:
        by_ref.setdefault(box.consignment_ref or invoice.consignment_ref or "", []).append(box)
    code = invoice.invoice_code or ""
    if len(by_ref) > 1:
        return [_shipment(invoice, f"{code}/{ref}", group) for ref, group in by_ref.items()]
    if not (boxes or _sent(invoice)):
        return []
    return [_shipment(invoice, code, boxes, prefer_invoice_items=True)]


def _sent(invoice: Invoice) -> bool:
    if invoice.qty_sent:
        return invoice.qty_sent > 0
    return any((item.qty_sent or 0) > 0 for item in invoice.items)


def _shipment(
    invoice: Invoice, key: str, boxes: list[Box], *, prefer_invoice_items: bool = False
) -> ShipmentSpec:
    """A consignment: its boxes' details first, the invoice's where a box has none.

    Invoice items carry IMPORT_REF (the shop line); box items only stock codes,
    so the invoice's items are used whenever the whole invoice is one consignment.
    """
    box_items = _sent_items(item for box in boxes for item in box.items)
    items = (_sent_items(invoice.items) or box_items) if prefer_invoice_items else box_items
    box = boxes[0] if boxes else None
    consignment = _first(box.consignment_ref if box else None, invoice.consignment_ref)
    url = _first(box.tracking_url if box else None, invoice.tracking_url)
    return ShipmentSpec(
        key=key,
        invoice_code=invoice.invoice_code or "",
        courier=_first(box.courier if box else None, invoice.courier),
        consignment_ref=consignment,
        tracking_url=tracking_link(url, consignment),
        shipped_on=(box.ship_date if box else None) or invoice.ship_date or invoice.issue_date,
        items=items,
    )


def _first(*values: str | None) -> str:
    return next((value.strip() for value in values if value and value.strip()), "")


def _sent_items(items: Iterable[ShippedItem]) -> tuple[SentItem, ...]:
    """Sent quantities, one entry per line reference or stock code (boxes repeat items)."""
    totals: dict[tuple[str | None, str | None], int] = {}
    for item in items:
        quantity = whole_quantity(item.qty_sent)
        if quantity <= 0:
            continue
        key = (item.import_ref or item.webitem_ref, item.stock_code)
        totals[key] = totals.get(key, 0) + quantity
    return tuple(SentItem(ref, code, qty) for (ref, code), qty in totals.items())


def whole_quantity(value: Decimal | None) -> int:
    """Shop lines count whole items; part of an item sent (cloth by the metre) counts as sent."""
    if value is None or value <= 0:
        return 0
    return int(value.to_integral_value(rounding=ROUND_CEILING))


def tracking_link(url: str, consignment_ref: str) -> str:
    """A link a customer can follow, or "" (only http/https: the link goes into pages and mail).

    Khaos builds the URL from the courier's template; when the template ends
    where the reference belongs and the reference is missing, it is added.
    """
    if not url or urlparse(url).scheme.lower() not in TRACKING_SCHEMES:
        return ""
    if consignment_ref and consignment_ref not in url and url.endswith(("=", "/")):
        return url + consignment_ref
    return url


# --- sent items to shop lines --------------------------------------------------------


@dataclass(frozen=True)
class LineRef:
    """A shop order line as far as matching needs it."""

    line_id: int
    stock_codes: frozenset[str]
    outstanding: int


@dataclass
class Allocation:
    quantities: dict[int, int] = field(default_factory=dict)
    unmatched: list[SentItem] = field(default_factory=list)


def allocate(items: Sequence[SentItem], lines: Sequence[LineRef]) -> Allocation:
    """Line id → quantity sent. IMPORT_REF (the shop line id) first, else the stock code.

    A line never receives more than it still has outstanding; what does not fit
    (pack children Khaos added, items the shop never sold) is returned unmatched.
    """
    outstanding = {line.line_id: line.outstanding for line in lines}
    by_id = {str(line.line_id): line for line in lines}
    result = Allocation()
    for item in items:
        target = by_id.get(item.import_ref or "")
        candidates = (
            [target]
            if target is not None
            else [line for line in lines if item.stock_code in line.stock_codes]
        )
        remaining = item.quantity
        for line in candidates:
            take = min(remaining, outstanding[line.line_id])
            if take > 0:
                result.quantities[line.line_id] = result.quantities.get(line.line_id, 0) + take
                outstanding[line.line_id] -= take
                remaining -= take
        if remaining > 0:
            result.unmatched.append(SentItem(item.import_ref, item.stock_code, remaining))
    return result
