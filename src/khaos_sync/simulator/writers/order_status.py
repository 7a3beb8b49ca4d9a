"""KSDXMLOrderStatus (ExportOrderStatus) and KSDXMLOrderStatusEx (ExportOrderStatusEx)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from lxml import etree

from khaos_sync.simulator.orders_model import Invoice, Order
from khaos_sync.simulator.reference import INVOICE_STAGES
from khaos_sync.simulator.writers.common import document, flag, money, sub, sub_cdata, uk_date


def order_status_document(orders: Iterable[tuple[Order, list[Invoice]]]) -> str:
    """One ORDER per live invoice: REF, ID, INVOICE, COMPLETE, CONSIGNMENT, URN, stage as text."""
    root = etree.Element("ORDER_STATUSES")
    for order, invoices in orders:
        for invoice in _live(invoices):
            sub(
                root,
                "ORDER",
                str(invoice.stage),
                REF=order.associated_ref,
                ID=order.code,
                INVOICE=invoice.code,
                COMPLETE=flag(invoice.issued and order.complete),
                CONSIGNMENT=invoice.consignment_ref,
                URN=order.company_code,
            )
    return document(root, declaration=False)


@dataclass
class StatusOptions:
    include_tracking: bool = True
    show_items: bool = False


def order_status_ex_document(
    orders: Iterable[tuple[Order, list[Invoice]]], options: StatusOptions
) -> str:
    root = etree.Element("STATUS_LIST")
    for order, invoices in orders:
        root.append(_order_status(order, invoices, options))
    return document(root, bom=True)


def _order_status(order: Order, invoices: list[Invoice], options: StatusOptions) -> etree._Element:
    element = etree.Element(
        "ORDER_STATUS", SORDER_CODE=order.code, ASSOCIATED_REF=order.associated_ref
    )
    sub_cdata(
        element,
        "COMPANY_NAME",
        order.company_name,
        COMPANY_CODE=order.company_code,
        OTHER_REF=order.customer_other_ref,
    )
    sub(element, "ORDER_TYPE", "Sales Order", TYPE_ID="S")
    sub(element, "COURIER", order.courier_name)
    sub(element, "CURRENCY_CODE", order.currency)
    sub(element, "DATE_CREATED", uk_date(order.created))
    sub(element, "DELIVERY_DATE", uk_date(order.created))
    sub(element, "ITEMS_TOTAL", money(order.items_gross), NET_VALUE=money(order.items_net))
    sub(element, "DELIVERY_TOTAL", money(order.delivery_gross), NET_VALUE=money(order.delivery_net))
    sub(element, "COMPLETE", flag(order.complete))
    sub(element, "QTY_SOLD", str(order.qty_sold))
    sub(
        element,
        "QTY_ASSIGNED",
        str(order.qty_sold if order.cancelled_at is None else order.qty_sent),
    )
    if order.cancelled_at is not None:
        cancelled = sub(element, "CANCELLED")
        sub(cancelled, "CANCELLED_DATE_TIME", order.cancelled_at.date().isoformat())
        sub_cdata(cancelled, "REASON", order.cancel_reason)
        sub(cancelled, "USER_NAME", order.cancel_user)
    container = sub(element, "INVOICES")
    for invoice in _live(invoices):
        container.append(_invoice(order, invoice, options))
    return element


def _invoice(order: Order, invoice: Invoice, options: StatusOptions) -> etree._Element:
    lines = {line.line_no: line for line in order.lines}
    sold = sum(invoice.quantities.values())
    sent = sold if invoice.issued else 0
    attrib = {
        "INVOICE_CODE": invoice.code,
        "INVOICE_DATE": uk_date(invoice.changed),
        "SHIP_DATE": uk_date(invoice.ship_date),
        "ISSUE_DATE": uk_date(invoice.issue_date),
        "INVOICE_STAGE_ID": str(invoice.stage),
        "INVOICE_STAGE_DESC": INVOICE_STAGES.get(invoice.stage, ""),
        "COURIER": invoice.courier,
        "CONSIGNMENT_REF": invoice.consignment_ref if options.include_tracking else "",
        "TRACKING_URL": invoice.tracking_url if options.include_tracking else "",
        "QTY_SOLD": f"{sold}.00",
        "QTY_SENT": f"{sent}.00",
        "MOVED": flag(invoice.moved),
    }
    element = etree.Element("INVOICE", attrib)
    if invoice.issued and options.include_tracking and invoice.consignment_ref:
        box = sub(
            element,
            "BOX",
            SHIPPED="-1",
            SHIP_DATE=uk_date(invoice.ship_date),
            COURIER=invoice.courier,
            CONSIGNMENT_REF=invoice.consignment_ref,
            TRACKING_URL=invoice.tracking_url,
        )
        for line_no, qty in invoice.quantities.items():
            sub(box, "BOX_ITEM", STOCK_CODE=lines[line_no].code, QTY_SENT=f"{qty}.00")
    if options.show_items:
        items = sub(element, "INVOICE_ITEMS")
        for line_no, qty in invoice.quantities.items():
            line = lines[line_no]
            attrib = {
                "STOCK_CODE": line.code,
                "QTY_SENT": f"{qty if invoice.issued else 0}.00",
                "QTY_SOLD": f"{qty}.00",
            }
            if line.import_ref:
                attrib["IMPORT_REF"] = line.import_ref
            if line.webitem_ref:
                attrib["WEBITEM_REF"] = line.webitem_ref
            sub(items, "INVOICE_ITEM", **attrib)
    return element


def _live(invoices: list[Invoice]) -> list[Invoice]:
    """Invoices of a cancelled order's unsent remainder are gone (stage 0)."""
    return [invoice for invoice in invoices if invoice.stage != 0]
