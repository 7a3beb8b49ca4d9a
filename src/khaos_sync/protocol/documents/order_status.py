"""Order statuses back from Khaos: KSDXMLOrderStatus and KSDXMLOrderStatusEx.

ExportOrderStatus gives one ``ORDER`` per invoice with the invoice stage as
its text; ExportOrderStatusEx gives the whole order with its invoices, boxes
and shipped quantities (dates ``DD/MM/YYYY``). One order can have several
invoices: part shipments.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import IntEnum

from lxml import etree

from khaos_sync.protocol.values import Fields, expect_root, parse_int
from khaos_sync.protocol.xmlsafe import parse_document

STATUS_ROOT_TAG = "ORDER_STATUSES"
STATUS_EX_ROOT_TAG = "STATUS_LIST"


class InvoiceStage(IntEnum):
    RELEASED = 9
    STAGING = 10
    AUTHORISE_PAYMENT = 11
    PICKING = 12
    PACKING = 13
    SHIPPING = 14
    PRINTING_INVOICES = 15
    COMPLETE_AWAITING_ISSUE = 16
    FUTURE_DATE = 17
    AWAITING_STOCK = 18
    MANUAL_HOLD = 19
    PROCESSING = 20
    HELD_ON_TERMS = 21
    ISSUED = 70
    ISSUED_ARCHIVED = 71


@dataclass(frozen=True, slots=True)
class OrderStatus:
    """One ``ORDER`` of ExportOrderStatus."""

    associated_ref: str | None
    order_code: str | None
    invoice_code: str | None
    complete: bool | None
    consignment: str | None
    company_code: str | None
    stage_id: int | None


@dataclass(frozen=True, slots=True)
class ShippedItem:
    """A ``BOX_ITEM`` or ``INVOICE_ITEM``."""

    stock_code: str | None
    qty_sent: Decimal | None
    qty_sold: Decimal | None
    import_ref: str | None
    webitem_ref: str | None


@dataclass(frozen=True, slots=True)
class Box:
    shipped: bool | None
    ship_date: date | None
    courier: str | None
    consignment_ref: str | None
    tracking_url: str | None
    items: tuple[ShippedItem, ...]


@dataclass(frozen=True, slots=True)
class Invoice:
    invoice_code: str | None
    invoice_date: date | None
    ship_date: date | None
    issue_date: date | None
    stage_id: int | None
    stage_desc: str | None
    courier: str | None
    consignment_ref: str | None
    tracking_url: str | None
    qty_sold: Decimal | None
    qty_sent: Decimal | None
    # -1 when the stage changed since the last export.
    moved: bool | None
    boxes: tuple[Box, ...]
    items: tuple[ShippedItem, ...]


@dataclass(frozen=True, slots=True)
class Cancellation:
    cancelled_at: datetime | None
    reason: str | None
    user_name: str | None


@dataclass(frozen=True, slots=True)
class OrderStatusEx:
    """One ``ORDER_STATUS`` of ExportOrderStatusEx."""

    order_code: str | None
    associated_ref: str | None
    company_name: str | None
    company_code: str | None
    company_other_ref: str | None
    order_type: str | None
    order_type_id: str | None
    courier: str | None
    currency_code: str | None
    date_created: date | None
    delivery_date: date | None
    items_total: Decimal | None
    items_total_net: Decimal | None
    delivery_total: Decimal | None
    delivery_total_net: Decimal | None
    complete: bool | None
    qty_sold: Decimal | None
    qty_assigned: Decimal | None
    cancellation: Cancellation | None
    invoices: tuple[Invoice, ...]

    @property
    def cancelled(self) -> bool:
        return self.cancellation is not None


def parse_order_status(data: bytes | str) -> list[OrderStatus]:
    root = parse_document(data)
    expect_root(root, STATUS_ROOT_TAG)
    return [_order_status(Fields(element)) for element in root.iterchildren("ORDER")]


def parse_order_status_ex(data: bytes | str) -> list[OrderStatusEx]:
    root = parse_document(data)
    expect_root(root, STATUS_EX_ROOT_TAG)
    return [_order_status_ex(Fields(element)) for element in root.iterchildren("ORDER_STATUS")]


def _order_status(fields: Fields) -> OrderStatus:
    return OrderStatus(
        associated_ref=fields.attr_code("REF"),
        order_code=fields.attr_code("ID"),
        invoice_code=fields.attr_code("INVOICE"),
        complete=fields.attr_bool("COMPLETE"),
        consignment=fields.attr_code("CONSIGNMENT"),
        company_code=fields.attr_code("URN"),
        stage_id=parse_int(fields.own_text(), where="ORDER"),
    )


def _order_status_ex(fields: Fields) -> OrderStatusEx:
    company = fields.nested("COMPANY_NAME")
    order_type = fields.nested("ORDER_TYPE")
    items_total = fields.nested("ITEMS_TOTAL")
    delivery_total = fields.nested("DELIVERY_TOTAL")
    invoices = fields.child("INVOICES")
    return OrderStatusEx(
        order_code=fields.attr_code("SORDER_CODE"),
        associated_ref=fields.attr_code("ASSOCIATED_REF"),
        company_name=fields.code("COMPANY_NAME"),
        company_code=None if company is None else company.attr_code("COMPANY_CODE"),
        company_other_ref=None if company is None else company.attr_code("OTHER_REF"),
        order_type=fields.code("ORDER_TYPE"),
        order_type_id=None if order_type is None else order_type.attr_code("TYPE_ID"),
        courier=fields.code("COURIER"),
        currency_code=fields.code("CURRENCY_CODE"),
        date_created=fields.as_date("DATE_CREATED"),
        delivery_date=fields.as_date("DELIVERY_DATE"),
        items_total=fields.as_decimal("ITEMS_TOTAL"),
        items_total_net=None if items_total is None else items_total.attr_decimal("NET_VALUE"),
        delivery_total=fields.as_decimal("DELIVERY_TOTAL"),
        delivery_total_net=None
        if delivery_total is None
        else delivery_total.attr_decimal("NET_VALUE"),
        complete=fields.as_bool("COMPLETE"),
        qty_sold=fields.as_decimal("QTY_SOLD"),
        qty_assigned=fields.as_decimal("QTY_ASSIGNED"),
        cancellation=_cancellation(fields.nested("CANCELLED")),
        invoices=()
        if invoices is None
        else tuple(_invoice(Fields(e)) for e in invoices.iterchildren("INVOICE")),
    )


def _cancellation(fields: Fields | None) -> Cancellation | None:
    if fields is None:
        return None
    return Cancellation(
        cancelled_at=fields.as_datetime("CANCELLED_DATE_TIME"),
        reason=fields.text("REASON"),
        user_name=fields.code("USER_NAME"),
    )


def _invoice(fields: Fields) -> Invoice:
    items = fields.child("INVOICE_ITEMS")
    return Invoice(
        invoice_code=fields.attr_code("INVOICE_CODE"),
        invoice_date=fields.attr_date("INVOICE_DATE"),
        ship_date=fields.attr_date("SHIP_DATE"),
        issue_date=fields.attr_date("ISSUE_DATE"),
        stage_id=fields.attr_int("INVOICE_STAGE_ID"),
        stage_desc=fields.attr_code("INVOICE_STAGE_DESC"),
        courier=fields.attr_code("COURIER"),
        consignment_ref=fields.attr_code("CONSIGNMENT_REF"),
        tracking_url=fields.attr_code("TRACKING_URL"),
        qty_sold=fields.attr_decimal("QTY_SOLD"),
        qty_sent=fields.attr_decimal("QTY_SENT"),
        moved=fields.attr_bool("MOVED"),
        boxes=tuple(_box(Fields(e)) for e in fields.children("BOX")),
        items=() if items is None else _shipped_items(items, "INVOICE_ITEM"),
    )


def _box(fields: Fields) -> Box:
    return Box(
        shipped=fields.attr_bool("SHIPPED"),
        ship_date=fields.attr_date("SHIP_DATE"),
        courier=fields.attr_code("COURIER"),
        consignment_ref=fields.attr_code("CONSIGNMENT_REF"),
        tracking_url=fields.attr_code("TRACKING_URL"),
        items=_shipped_items(fields.element, "BOX_ITEM"),
    )


def _shipped_items(container: etree._Element, tag: str) -> tuple[ShippedItem, ...]:
    items = []
    for element in container.iterchildren(tag):
        item = Fields(element)
        items.append(
            ShippedItem(
                stock_code=item.attr_code("STOCK_CODE"),
                qty_sent=item.attr_decimal("QTY_SENT"),
                qty_sold=item.attr_decimal("QTY_SOLD"),
                import_ref=item.attr_code("IMPORT_REF"),
                webitem_ref=item.attr_code("WEBITEM_REF"),
            )
        )
    return tuple(items)
