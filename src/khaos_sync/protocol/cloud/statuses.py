"""The order status upload: ``OrderStatuses`` / ``{"Statuses": [SalesOrderStatus]}``.

Each KCC ``SalesOrderStatus`` becomes the same
:class:`~khaos_sync.protocol.documents.order_status.OrderStatusEx` record
ExportOrderStatusEx gives, so the status mapper and the status pipeline are
shared: a ``Shipment`` is an invoice (its ``Status`` the invoice stage), a
``Package`` is a box, and an order whose ``Status`` is ``Cancelled`` carries a
cancellation. Items of a shipment count as sent once the shipment is issued.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any, Final

from khaos_sync.protocol.cloud.payload import (
    DEFAULT_MAX_BYTES,
    DataItem,
    Format,
    Node,
    Seq,
    compact,
    dump,
    load,
)
from khaos_sync.protocol.documents.order_status import (
    Box,
    Cancellation,
    Invoice,
    InvoiceStage,
    OrderStatusEx,
    ShippedItem,
)
from khaos_sync.protocol.errors import DocumentError

ROOT = "OrderStatuses"

RECEIVED = "Received"
SHIPPING = "Shipping"
PARTIAL_SHIP = "PartialShip"
COMPLETE = "Complete"
CANCELLED = "Cancelled"
ORDER_STATUSES: Final = (RECEIVED, SHIPPING, PARTIAL_SHIP, COMPLETE, CANCELLED)

S = InvoiceStage
SHIPMENT_STAGES: Final = {
    "Released": S.RELEASED,
    "Staging": S.STAGING,
    "AuthorisePayment": S.AUTHORISE_PAYMENT,
    "Picking": S.PICKING,
    "Packing": S.PACKING,
    "Shipping": S.SHIPPING,
    "PrintingInvoices": S.PRINTING_INVOICES,
    "CompleteAwaitingIssue": S.COMPLETE_AWAITING_ISSUE,
    "FutureDate": S.FUTURE_DATE,
    "AwaitingStock": S.AWAITING_STOCK,
    "ManualHold": S.MANUAL_HOLD,
    "Processing": S.PROCESSING,
    "HeldOnTerms": S.HELD_ON_TERMS,
    "Issued": S.ISSUED,
    "Archived": S.ISSUED_ARCHIVED,
}
_STAGE_NAMES: Final = {int(stage): name for name, stage in SHIPMENT_STAGES.items()}
_BY_FOLDED_NAME: Final = {name.lower(): stage for name, stage in SHIPMENT_STAGES.items()}
SENT_STAGES: Final = frozenset({S.COMPLETE_AWAITING_ISSUE, S.ISSUED, S.ISSUED_ARCHIVED})
CANCELLED_REASON = "Cancelled in Khaos Control Cloud"


@dataclass(frozen=True, slots=True)
class CloudStatus:
    """A status as KCC sent it: the shared record plus what only KCC carries."""

    record: OrderStatusEx
    status: str | None
    order_id: str | None
    custom_data: str | None


def read_order_status_upload(
    data: bytes | str, fmt: Format, *, max_bytes: int = DEFAULT_MAX_BYTES
) -> list[CloudStatus]:
    top = load(data, fmt, ROOT, max_bytes=max_bytes)
    if not top.has("Statuses"):
        raise DocumentError("an order status upload has no Statuses")
    return [_read_status(node) for node in top.nodes("Statuses")]


def read_order_statuses(data: bytes | str, fmt: Format) -> list[OrderStatusEx]:
    """Only the shared records, as the status mapper takes them."""
    return [status.record for status in read_order_status_upload(data, fmt)]


def _read_status(node: Node) -> CloudStatus:
    status = node.text("Status")
    if status is not None and status not in ORDER_STATUSES:
        raise DocumentError(
            f"{node.path('Status')}: {status!r} is not one of {', '.join(ORDER_STATUSES)}"
        )
    invoices = tuple(_read_shipment(shipment) for shipment in node.nodes("Shipments"))
    cancelled = status == CANCELLED
    return CloudStatus(
        record=OrderStatusEx(
            order_code=node.text("OrderCode"),
            associated_ref=node.text("AssociatedRef"),
            company_name=None,
            company_code=node.text("URN"),
            company_other_ref=None,
            order_type=None,
            order_type_id=None,
            courier=None,
            currency_code=None,
            date_created=None,
            delivery_date=None,
            items_total=None,
            items_total_net=None,
            delivery_total=None,
            delivery_total_net=None,
            complete=status == COMPLETE,
            qty_sold=None,
            qty_assigned=None,
            cancellation=Cancellation(
                cancelled_at=node.as_datetime("CancelledDate"),
                reason=node.text("CancelReason") or CANCELLED_REASON,
                user_name=None,
            )
            if cancelled
            else None,
            invoices=invoices,
        ),
        status=status,
        order_id=node.text("OrderID"),
        custom_data=node.text("CustomData"),
    )


def _read_shipment(node: Node) -> Invoice:
    stage = _stage(node)
    sent = stage in SENT_STAGES
    items = tuple(_read_item(item, sent) for item in node.nodes("Items"))
    boxes = tuple(_read_package(package, sent) for package in node.nodes("Packages"))
    first = boxes[0] if boxes else None
    quantity = sum((item.qty_sold or Decimal(0) for item in items), Decimal(0))
    return Invoice(
        invoice_code=node.text("Code") or node.text("ID"),
        invoice_date=None,
        ship_date=None if first is None else first.ship_date,
        issue_date=None,
        stage_id=None if stage is None else int(stage),
        stage_desc=None if stage is None else _STAGE_NAMES[int(stage)],
        courier=None if first is None else first.courier,
        consignment_ref=None if first is None else first.consignment_ref,
        tracking_url=None if first is None else first.tracking_url,
        qty_sold=quantity,
        qty_sent=quantity if sent else Decimal(0),
        moved=None,
        boxes=boxes,
        items=items,
    )


def _stage(node: Node) -> InvoiceStage | None:
    name = node.text("Status")
    if name is None:
        return None
    stage = _BY_FOLDED_NAME.get(name.lower())
    if stage is None:
        raise DocumentError(
            f"{node.path('Status')}: {name!r} is not a shipment status "
            f"({', '.join(SHIPMENT_STAGES)})"
        )
    return stage


def _read_item(node: Node, sent: bool) -> ShippedItem:
    quantity = node.as_decimal("Quantity")
    return ShippedItem(
        stock_code=node.text("SKU"),
        qty_sent=quantity if sent else Decimal(0),
        qty_sold=quantity,
        import_ref=node.text("ImportRef"),
        webitem_ref=node.text("WebItemRef"),
    )


def _read_package(node: Node, sent: bool) -> Box:
    courier = node.data_item("Courier")
    shipped_at = node.as_datetime("ShipmentDate")
    return Box(
        shipped=sent,
        ship_date=None if shipped_at is None else shipped_at.date(),
        courier=None if courier is None else (courier.name or courier.code),
        consignment_ref=node.text("ConsignmentRef"),
        tracking_url=node.text("TrackingURL"),
        items=(),
    )


# --- writing (the simulator's side) ---------------------------------------------------


def order_status_name(record: OrderStatusEx) -> str:
    """The order-level ``Status`` KCC reports for a record."""
    if record.cancelled:
        return CANCELLED
    stages = [invoice.stage_id for invoice in record.invoices if invoice.stage_id is not None]
    sent = [stage for stage in stages if stage in SENT_STAGES]
    if stages and len(sent) == len(stages):
        return COMPLETE
    if sent:
        return PARTIAL_SHIP
    if S.SHIPPING in stages:
        return SHIPPING
    return RECEIVED


def write_order_status_upload(
    statuses: Sequence[CloudStatus | OrderStatusEx], fmt: Format
) -> bytes:
    entries = [
        s if isinstance(s, CloudStatus) else CloudStatus(s, None, None, None) for s in statuses
    ]
    tree = {"Statuses": Seq("SalesOrderStatus", [_status_tree(entry) for entry in entries])}
    return dump(tree, fmt, ROOT)


def _status_tree(entry: CloudStatus) -> dict[str, Any]:
    record = entry.record
    cancellation = record.cancellation
    return compact(
        {
            "OrderCode": record.order_code,
            "OrderID": entry.order_id,
            "Status": entry.status or order_status_name(record),
            "AssociatedRef": record.associated_ref,
            "URN": record.company_code,
            "CustomData": entry.custom_data,
            "CancelledDate": None if cancellation is None else cancellation.cancelled_at,
            "CancelReason": None if cancellation is None else cancellation.reason,
            "Shipments": Seq("Shipment", [_shipment_tree(invoice) for invoice in record.invoices]),
        }
    )


def _shipment_tree(invoice: Invoice) -> dict[str, Any]:
    stage = invoice.stage_id
    boxes = invoice.boxes or (
        (
            Box(
                shipped=None,
                ship_date=invoice.ship_date,
                courier=invoice.courier,
                consignment_ref=invoice.consignment_ref,
                tracking_url=invoice.tracking_url,
                items=(),
            ),
        )
        if invoice.courier or invoice.consignment_ref
        else ()
    )
    return compact(
        {
            "ID": invoice.invoice_code,
            "Code": invoice.invoice_code,
            "Status": None if stage is None else _STAGE_NAMES.get(stage),
            "Items": Seq("ShipmentItem", [_item_tree(item) for item in invoice.items]),
            "Packages": Seq("ShipmentPackage", [_package_tree(box) for box in boxes]),
        }
    )


def _item_tree(item: ShippedItem) -> dict[str, Any]:
    return compact(
        {
            "SKU": item.stock_code,
            "Quantity": item.qty_sold if item.qty_sold is not None else item.qty_sent,
            "ImportRef": item.import_ref,
            "WebItemRef": item.webitem_ref,
        }
    )


def _package_tree(box: Box) -> dict[str, Any]:
    return compact(
        {
            "ConsignmentRef": box.consignment_ref,
            "Courier": DataItem(name=box.courier),
            "ShipmentDate": None if box.ship_date is None else _midnight(box.ship_date),
            "TrackingURL": box.tracking_url,
        }
    )


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time())
