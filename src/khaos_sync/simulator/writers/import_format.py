"""KSDXMLImportFormat as ExportOrders returns historic orders."""

from __future__ import annotations

from collections.abc import Iterable

from lxml import etree

from khaos_sync.simulator.orders_model import Order, OrderLine
from khaos_sync.simulator.reference import TAX_CODES
from khaos_sync.simulator.writers.common import document, money, plain, sub, sub_cdata

TAX_CODES_BY_RATE = {rate: code for code, rate in TAX_CODES.items()}
CUSTOMER_TAGS = (
    "IS_NEW_CUSTOMER",
    "COMPANY_CLASS",
    "COMPANY_TYPE",
    "SOURCE_CODE",
    "MAILING_STATUS",
)
INVOICE_TAGS = (
    "IADDRESS1",
    "IADDRESS2",
    "IADDRESS3",
    "ITOWN",
    "ICOUNTY",
    "IPOSTCODE",
    "ICOUNTRY_CODE",
    "ITITLE",
    "IFORENAME",
    "ISURNAME",
    "ITEL",
    "IMOBILE",
    "IEMAIL",
    "IORGANISATION",
)
PAYMENT_TAGS = (
    "PAYMENT_AMOUNT",
    "PAYMENT_TYPE",
    "CARD_TYPE",
    "AUTH_CODE",
    "TRANSACTION_ID",
    "PREAUTH",
    "PREAUTH_REF",
    "SECURITY_REF",
    "ACCOUNT_NAME",
    "TRANSACTION_TIMESTAMP",
)


def import_format_document(orders: Iterable[Order]) -> str:
    root = etree.Element("SALES_ORDERS")
    for order in orders:
        root.append(_sales_order(order))
    return document(root)


def _sales_order(order: Order) -> etree._Element:
    element = etree.Element("SALES_ORDER")
    element.append(_customer(order))
    payments = sub(element, "PAYMENTS")
    for payment in order.payments:
        detail = sub(payments, "PAYMENT_DETAIL")
        for tag in PAYMENT_TAGS:
            sub(detail, tag, payment.get(tag, "").strip())
    element.append(_header(order))
    items = sub(element, "ORDER_ITEMS")
    for line in order.lines:
        items.append(_item(line))
    return element


def _customer(order: Order) -> etree._Element:
    detail = order.customer_detail
    element = etree.Element("CUSTOMER_DETAIL")
    sub(element, "IS_NEW_CUSTOMER", "0")
    sub(element, "COMPANY_CODE", order.company_code)
    sub(element, "OTHER_REF", order.customer_other_ref)
    sub(element, "WEB_USER", detail.get("WEB_USER", "").strip())
    sub_cdata(element, "COMPANY_NAME", order.company_name)
    for tag in CUSTOMER_TAGS[1:]:
        sub(element, tag, detail.get(tag, "").strip())
    addresses = sub(element, "ADDRESSES")
    invoice = sub(addresses, "INVADDR")
    for tag in INVOICE_TAGS:
        sub_cdata(invoice, tag, detail.get(tag, "").strip())
    if detail.get("DADDRESS1", "").strip():
        delivery = sub(addresses, "DELADDR")
        for tag in INVOICE_TAGS:
            sub_cdata(delivery, "D" + tag[1:], detail.get("D" + tag[1:], "").strip())
    return element


def _header(order: Order) -> etree._Element:
    element = etree.Element("ORDER_HEADER")
    sub(element, "ORDER_DATE", order.order_date or order.created.date().isoformat())
    sub(element, "ORDER_AMOUNT", money(order.computed_total))
    sub(element, "ORDER_CURRENCY_CODE", order.currency)
    sub(element, "ASSOCIATED_REF", order.associated_ref)
    sub_cdata(element, "ORDER_NOTE", order.order_note)
    sub_cdata(element, "INVOICE_NOTE", order.invoice_note)
    sub(element, "DELIVERY_GRS", money(order.delivery_gross))
    sub(element, "COURIER_CODE", order.courier_code)
    sub(element, "COURIER_DESC", order.courier_name)
    sub(element, "PO_NUMBER", order.po_number)
    sub(element, "KEYCODE_CODE", order.keycode)
    sub(element, "BRAND", order.brand)
    sub(element, "SALES_SOURCE", order.sales_source)
    sub(element, "WEBSITE_NAME", order.website_name)
    return element


def _item(line: OrderLine) -> etree._Element:
    element = etree.Element("ORDER_ITEM")
    sub(element, "STOCK_CODE", line.code)
    sub(element, "MAPPING_TYPE", "1")
    sub_cdata(element, "STOCK_DESC", line.description)
    sub_cdata(element, "EXTENDED_DESC", line.extended_desc)
    sub(element, "ORDER_QTY", str(line.qty))
    if line.price_is_net:
        sub(element, "PRICE_NET", money(line.unit_price))
    else:
        sub(element, "PRICE_GRS", money(line.unit_price))
    sub(element, "TAX_RATE", TAX_CODES_BY_RATE.get(line.vat_rate, "1"))
    sub(element, "KSD_DISCOUNT", plain(line.discount))
    sub(element, "IMPORT_REF", line.import_ref)
    sub(element, "WEBITEM_REF", line.webitem_ref)
    sub(element, "PACK_SORT_ORDER", line.pack_sort_order)
    return element
