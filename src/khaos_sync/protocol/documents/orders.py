"""KSDXMLImportFormat: web orders sent with ImportOrders (and read back from ExportOrders).

Reading and writing are driven by the same field tables, so an order that is
built and parsed again comes back unchanged. The builder enforces Khaos's
field limits: a value Khaos would reject fails here with a FieldLimitError
naming the field, instead of failing the whole import on the server.
Card numbers and CV2 have no field at all: they can never be sent.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import Enum, IntEnum
from typing import Any, Final

from lxml import etree

from khaos_sync.protocol.errors import DocumentError, FieldLimitError
from khaos_sync.protocol.values import (
    Fields,
    element_text,
    expect_root,
    parse_bool,
    parse_date_or_datetime,
    parse_decimal,
    parse_int,
)
from khaos_sync.protocol.xmlsafe import parse_document

ROOT_TAG = "SALES_ORDERS"
ELLIPSIS: Final = "\u2026"


class PaymentType(IntEnum):
    CASH = 0
    CHEQUE = 1
    CARD = 2
    ACCOUNT = 3
    VOUCHER = 4


class MappingType(IntEnum):
    AUTOMATIC = -1
    STOCK_CODE = 1
    OTHER_REF = 2
    BARCODE = 5
    WEB_CATEGORY_CODE = 6


class TaxRate(IntEnum):
    STANDARD = 1
    ZERO = 2
    REDUCED = 4


_ADDRESS_LIMITS: Final = {
    "ADDRESS1": 35,
    "ADDRESS2": 35,
    "ADDRESS3": 35,
    "TOWN": 35,
    "COUNTY": 35,
    "POSTCODE": 10,
    "TITLE": 20,
    "FORENAME": 50,
    "SURNAME": 50,
    # The guide says 19; the sample says 30. Khaos's address records hold 19.
    "TEL": 19,
    "FAX": 19,
    "MOBILE": 19,
    "EMAIL": 50,
}

# Longest value Khaos accepts per tag, in UTF-16 code units (Khaos is a
# Delphi/SQL Server system: an emoji counts twice).
FIELD_LIMITS: Final[Mapping[str, int]] = {
    "COMPANY_CODE": 10,
    "COMPANY_NAME": 50,
    "OTHER_REF": 30,
    "WEB_USER": 50,
    "TAX_REFERENCE": 20,
    **{f"I{tag}": limit for tag, limit in _ADDRESS_LIMITS.items()},
    **{f"D{tag}": limit for tag, limit in _ADDRESS_LIMITS.items()},
    # The sample allows 50, the guide 15; 15 is what every version accepts.
    "ASSOCIATED_REF": 15,
    "PO_NUMBER": 30,
    "ORDER_NOTE": 2000,
    "INVOICE_NOTE": 2000,
    "COURIER_NOTE": 255,
    "STOCK_DESC": 250,
}

# Fields whose limit applies to each line of the text, any number of lines.
LINE_LIMITS: Final[Mapping[str, int]] = {"EXTENDED_DESC": 150}


@dataclass(frozen=True, slots=True)
class Address:
    """An invoice or delivery address (``INVADDR`` / ``DELADDR``)."""

    address1: str | None = None
    address2: str | None = None
    address3: str | None = None
    town: str | None = None
    county: str | None = None
    postcode: str | None = None
    country_code: str | None = None
    country_name: str | None = None
    title: str | None = None
    forename: str | None = None
    surname: str | None = None
    tel: str | None = None
    fax: str | None = None
    mobile: str | None = None
    email: str | None = None
    organisation: str | None = None


@dataclass(frozen=True, slots=True)
class Customer:
    """``CUSTOMER_DETAIL``. Send ``company_code`` only once Khaos has given one."""

    invoice_address: Address = field(default_factory=Address)
    delivery_address: Address | None = None
    is_new_customer: bool = False
    company_code: str | None = None
    other_ref: str | None = None
    web_user: str | None = None
    company_class: str | None = None
    company_type: str | None = None
    company_name: str | None = None
    web_site: str | None = None
    source_code: str | None = None
    mailing_status: int | None = None
    tax_reference: str | None = None
    vat_relief_qualified: bool | None = None
    udas: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Payment:
    """``PAYMENT_DETAIL`` of an already authorised (or pre-authorised) payment."""

    amount: Decimal | None = None
    payment_type: int | None = None
    card_type: str | None = None
    card_name: str | None = None
    # Only a wallet's fixed marker ("PAYPAL"): a card number can never be sent.
    card_number: str | None = None
    preauth: bool | None = None
    auth_code: str | None = None
    transaction_id: str | None = None
    preauth_ref: str | None = None
    security_ref: str | None = None
    security_comment: str | None = None
    account_number: str | None = None
    account_name: str | None = None
    credit_score: str | None = None
    transaction_timestamp: date | None = None
    charge_amount: Decimal | None = None


@dataclass(frozen=True, slots=True)
class OrderHeader:
    """``ORDER_HEADER``. ``associated_ref`` is the shop's order number, unique per order.

    Dates are ``date`` or naive ``datetime`` (shop local time). Delivery:
    None lets Khaos calculate it, ``-1`` means no delivery, ``0`` free.
    """

    associated_ref: str
    order_date: date | None = None
    delivery_date: date | None = None
    order_amount: Decimal | None = None
    order_currency_code: str | None = None
    site: str | None = None
    agent: str | None = None
    order_note: str | None = None
    invoice_note: str | None = None
    delivery_net: Decimal | None = None
    delivery_tax: Decimal | None = None
    delivery_grs: Decimal | None = None
    courier_code: str | None = None
    courier_desc: str | None = None
    po_number: str | None = None
    keycode_code: str | None = None
    brand: str | None = None
    sales_source: str | None = None
    courier_note: str | None = None
    required_by_date: date | None = None
    website_name: str | None = None


@dataclass(frozen=True, slots=True)
class OrderItem:
    """``ORDER_ITEM``: send ``price_grs`` for VATable lines, else ``price_net`` + ``tax_rate``."""

    stock_code: str
    mapping_type: int | None = None
    stock_desc: str | None = None
    extended_desc: str | None = None
    order_qty: Decimal | None = None
    price_net: Decimal | None = None
    price_grs: Decimal | None = None
    tax_rate: int | None = None
    option_ref1: str | None = None
    option_ref2: str | None = None
    option_ref3: str | None = None
    freeitem_reason: str | None = None
    import_ref: str | None = None
    webitem_ref: str | None = None
    ksd_discount: Decimal | None = None
    pack_sort_order: str | None = None
    site: str | None = None


@dataclass(frozen=True, slots=True)
class SalesOrder:
    customer: Customer
    header: OrderHeader
    items: tuple[OrderItem, ...]
    payments: tuple[Payment, ...] = ()


class _Kind(Enum):
    TEXT = "text"
    DECIMAL = "decimal"
    INT = "int"
    BOOL = "bool"
    DATE = "date"


@dataclass(frozen=True, slots=True)
class _Spec:
    attr: str
    tag: str
    kind: _Kind = _Kind.TEXT


_T, _D, _I, _B, _DT = _Kind.TEXT, _Kind.DECIMAL, _Kind.INT, _Kind.BOOL, _Kind.DATE

_ADDRESS_SPECS: Final = (
    ("address1", "ADDRESS1"),
    ("address2", "ADDRESS2"),
    ("address3", "ADDRESS3"),
    ("town", "TOWN"),
    ("county", "COUNTY"),
    ("postcode", "POSTCODE"),
    ("country_code", "COUNTRY_CODE"),
    ("country_name", "COUNTRY_NAME"),
    ("title", "TITLE"),
    ("forename", "FORENAME"),
    ("surname", "SURNAME"),
    ("tel", "TEL"),
    ("fax", "FAX"),
    ("mobile", "MOBILE"),
    ("email", "EMAIL"),
    ("organisation", "ORGANISATION"),
)


def _address_specs(prefix: str) -> tuple[_Spec, ...]:
    return tuple(_Spec(attr, prefix + tag) for attr, tag in _ADDRESS_SPECS)


_INVOICE_ADDRESS: Final = _address_specs("I")
_DELIVERY_ADDRESS: Final = _address_specs("D")

_CUSTOMER: Final = (
    _Spec("is_new_customer", "IS_NEW_CUSTOMER", _B),
    _Spec("company_code", "COMPANY_CODE"),
    _Spec("other_ref", "OTHER_REF"),
    _Spec("web_user", "WEB_USER"),
    _Spec("company_class", "COMPANY_CLASS"),
    _Spec("company_type", "COMPANY_TYPE"),
    _Spec("company_name", "COMPANY_NAME"),
    _Spec("web_site", "WEB_SITE"),
    _Spec("source_code", "SOURCE_CODE"),
    _Spec("mailing_status", "MAILING_STATUS", _I),
    _Spec("tax_reference", "TAX_REFERENCE"),
    _Spec("vat_relief_qualified", "VAT_RELIEF_QUALIFIED", _B),
)

_PAYMENT: Final = (
    _Spec("amount", "PAYMENT_AMOUNT", _D),
    _Spec("payment_type", "PAYMENT_TYPE", _I),
    _Spec("card_type", "CARD_TYPE"),
    _Spec("card_name", "CARD_NAME"),
    _Spec("card_number", "CARD_NUMBER"),
    _Spec("preauth", "PREAUTH", _B),
    _Spec("auth_code", "AUTH_CODE"),
    _Spec("transaction_id", "TRANSACTION_ID"),
    _Spec("preauth_ref", "PREAUTH_REF"),
    _Spec("security_ref", "SECURITY_REF"),
    _Spec("security_comment", "SECURITY_COMMENT"),
    _Spec("account_number", "ACCOUNT_NUMBER"),
    _Spec("account_name", "ACCOUNT_NAME"),
    _Spec("credit_score", "CREDIT_SCORE"),
    _Spec("transaction_timestamp", "TRANSACTION_TIMESTAMP", _DT),
    _Spec("charge_amount", "CHARGE_AMOUNT", _D),
)

_HEADER: Final = (
    _Spec("order_date", "ORDER_DATE", _DT),
    _Spec("delivery_date", "DELIVERY_DATE", _DT),
    _Spec("order_amount", "ORDER_AMOUNT", _D),
    _Spec("order_currency_code", "ORDER_CURRENCY_CODE"),
    _Spec("site", "SITE"),
    _Spec("associated_ref", "ASSOCIATED_REF"),
    _Spec("agent", "AGENT"),
    _Spec("order_note", "ORDER_NOTE"),
    _Spec("invoice_note", "INVOICE_NOTE"),
    _Spec("delivery_net", "DELIVERY_NET", _D),
    _Spec("delivery_tax", "DELIVERY_TAX", _D),
    _Spec("delivery_grs", "DELIVERY_GRS", _D),
    _Spec("courier_code", "COURIER_CODE"),
    _Spec("courier_desc", "COURIER_DESC"),
    _Spec("po_number", "PO_NUMBER"),
    _Spec("keycode_code", "KEYCODE_CODE"),
    _Spec("brand", "BRAND"),
    _Spec("sales_source", "SALES_SOURCE"),
    _Spec("courier_note", "COURIER_NOTE"),
    _Spec("required_by_date", "REQUIRED_BY_DATE", _DT),
    _Spec("website_name", "WEBSITE_NAME"),
)

_ITEM: Final = (
    _Spec("stock_code", "STOCK_CODE"),
    _Spec("mapping_type", "MAPPING_TYPE", _I),
    _Spec("stock_desc", "STOCK_DESC"),
    _Spec("extended_desc", "EXTENDED_DESC"),
    _Spec("order_qty", "ORDER_QTY", _D),
    _Spec("price_net", "PRICE_NET", _D),
    _Spec("price_grs", "PRICE_GRS", _D),
    _Spec("tax_rate", "TAX_RATE", _I),
    _Spec("option_ref1", "OPTION_REF1"),
    _Spec("option_ref2", "OPTION_REF2"),
    _Spec("option_ref3", "OPTION_REF3"),
    _Spec("freeitem_reason", "FREEITEM_REASON"),
    _Spec("import_ref", "IMPORT_REF"),
    _Spec("webitem_ref", "WEBITEM_REF"),
    _Spec("ksd_discount", "KSD_DISCOUNT", _D),
    _Spec("pack_sort_order", "PACK_SORT_ORDER"),
    _Spec("site", "SITE"),
)


# --- reading -------------------------------------------------------------


def parse_orders(data: bytes | str) -> list[SalesOrder]:
    """Parse a KSDXMLImportFormat document (one or more ``SALES_ORDER``)."""
    root = parse_document(data)
    expect_root(root, ROOT_TAG)
    return [_read_order(Fields(element)) for element in root.iterchildren("SALES_ORDER")]


def read_customer(fields: Fields) -> Customer:
    """Read a ``CUSTOMER_DETAIL`` (shared with catalogue requests)."""
    values = _read_values(fields, _CUSTOMER)
    values["is_new_customer"] = bool(values["is_new_customer"])
    addresses = fields.nested("ADDRESSES")
    invoice = None if addresses is None else addresses.nested("INVADDR")
    delivery = None if addresses is None else addresses.nested("DELADDR")
    return Customer(
        invoice_address=Address() if invoice is None else _read_address(invoice, _INVOICE_ADDRESS),
        delivery_address=None if delivery is None else _read_address(delivery, _DELIVERY_ADDRESS),
        udas=_read_udas(fields),
        **values,
    )


def _read_order(fields: Fields) -> SalesOrder:
    customer = fields.nested("CUSTOMER_DETAIL")
    header = fields.nested("ORDER_HEADER")
    if header is None or header.code("ASSOCIATED_REF") is None:
        raise DocumentError("SALES_ORDER has no ORDER_HEADER/ASSOCIATED_REF")
    payments = fields.nested("PAYMENTS")
    items = fields.nested("ORDER_ITEMS")
    return SalesOrder(
        customer=Customer() if customer is None else read_customer(customer),
        header=OrderHeader(**_read_values(header, _HEADER)),
        items=() if items is None else tuple(map(_read_item, items.children("ORDER_ITEM"))),
        payments=()
        if payments is None
        else tuple(
            _read_payment(Fields(element)) for element in payments.children("PAYMENT_DETAIL")
        ),
    )


def _read_payment(fields: Fields) -> Payment:
    values = _read_values(fields, _PAYMENT)
    # A card number is never read, kept or passed on: only a wallet marker such as PAYPAL.
    if not _wallet_marker(values["card_number"]):
        values["card_number"] = None
    return Payment(**values)


def _wallet_marker(text: str | None) -> bool:
    return bool(text) and not any(char.isdigit() for char in text or "")


def _read_item(element: etree._Element) -> OrderItem:
    fields = Fields(element)
    if fields.code("STOCK_CODE") is None:
        raise DocumentError("ORDER_ITEM has no STOCK_CODE")
    return OrderItem(**_read_values(fields, _ITEM))


def _read_address(fields: Fields, specs: tuple[_Spec, ...]) -> Address:
    return Address(**_read_values(fields, specs))


def _read_udas(fields: Fields) -> tuple[tuple[str, str], ...]:
    container = fields.child("UDA")
    elements = fields.children("ADDITIONAL")
    if container is not None:
        elements = [*container.iterchildren("ADDITIONAL"), *elements]
    return tuple((str(e.get("NAME") or ""), element_text(e)) for e in elements)


def _read_values(fields: Fields, specs: tuple[_Spec, ...]) -> dict[str, Any]:
    return {spec.attr: _read_value(fields, spec) for spec in specs}


def _read_value(fields: Fields, spec: _Spec) -> object:
    text = fields.text(spec.tag)
    where = f"{fields.tag}/{spec.tag}"
    if spec.kind is _Kind.TEXT:
        # Text is kept exactly as sent (an empty element reads as "").
        return text
    if spec.kind is _Kind.DECIMAL:
        return parse_decimal(text, where=where)
    if spec.kind is _Kind.INT:
        return parse_int(text, where=where)
    if spec.kind is _Kind.BOOL:
        return parse_bool(text, where=where)
    return parse_date_or_datetime(text, where=where)


# --- writing -------------------------------------------------------------


def build_orders(orders: Iterable[SalesOrder]) -> bytes:
    """Write orders as a KSDXMLImportFormat document (UTF-8 bytes).

    Fields that are None are omitted; the delivery address is omitted when not
    given (Khaos then delivers to the invoice address). Raises FieldLimitError
    for a value longer than Khaos accepts and DocumentError for a value XML
    cannot carry.
    """
    root = etree.Element(ROOT_TAG)
    for order in orders:
        _write_order(etree.SubElement(root, "SALES_ORDER"), order)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _write_order(parent: etree._Element, order: SalesOrder) -> None:
    if not order.header.associated_ref.strip():
        raise DocumentError("ORDER_HEADER/ASSOCIATED_REF is compulsory and must not be blank")
    _write_customer(etree.SubElement(parent, "CUSTOMER_DETAIL"), order.customer)
    payments = etree.SubElement(parent, "PAYMENTS")
    for payment in order.payments:
        _write_values(etree.SubElement(payments, "PAYMENT_DETAIL"), payment, _PAYMENT)
    _write_values(etree.SubElement(parent, "ORDER_HEADER"), order.header, _HEADER)
    items = etree.SubElement(parent, "ORDER_ITEMS")
    for item in order.items:
        if not item.stock_code.strip():
            raise DocumentError("ORDER_ITEM/STOCK_CODE is compulsory and must not be blank")
        _write_values(etree.SubElement(items, "ORDER_ITEM"), item, _ITEM)


def _write_customer(parent: etree._Element, customer: Customer) -> None:
    _write_values(parent, customer, _CUSTOMER)
    if customer.udas:
        udas = etree.SubElement(parent, "UDA")
        for name, value in customer.udas:
            uda = etree.SubElement(udas, "ADDITIONAL", NAME=_xml_text("UDA/@NAME", name))
            uda.text = _xml_text(f"UDA[{name}]", value)
    addresses = etree.SubElement(parent, "ADDRESSES")
    _write_values(
        etree.SubElement(addresses, "INVADDR"), customer.invoice_address, _INVOICE_ADDRESS
    )
    if customer.delivery_address is not None:
        delivery = etree.SubElement(addresses, "DELADDR")
        _write_values(delivery, customer.delivery_address, _DELIVERY_ADDRESS)


def _write_values(parent: etree._Element, record: object, specs: tuple[_Spec, ...]) -> None:
    for spec in specs:
        value = getattr(record, spec.attr)
        if value is not None:
            etree.SubElement(parent, spec.tag).text = _format(spec, value)


def _format(spec: _Spec, value: object) -> str:
    if spec.kind is _Kind.TEXT:
        text = _xml_text(spec.tag, str(value))
        _check_limit(spec.tag, text)
        return text
    if spec.kind is _Kind.BOOL:
        return "-1" if value else "0"
    if spec.kind is _Kind.INT and isinstance(value, int):
        return str(int(value))
    if spec.kind is _Kind.DECIMAL and isinstance(value, Decimal | int):
        return format_decimal(Decimal(value), where=spec.tag)
    if spec.kind is _Kind.DATE and isinstance(value, date):
        return format_date(value, where=spec.tag)
    raise DocumentError(f"{spec.tag}: {value!r} is not a {spec.kind.value}")


def format_decimal(value: Decimal, *, where: str = "value") -> str:
    """A plain decimal as Khaos expects it: ``12.99``, never ``1.299E+1``."""
    if not value.is_finite():
        raise DocumentError(f"{where}: {value} is not a finite amount")
    return format(value, "f")


def format_date(value: date, *, where: str = "value") -> str:
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            raise DocumentError(f"{where}: Khaos has no time zones; pass shop local time")
        return value.strftime("%Y-%m-%d %H:%M:%S")
    return value.strftime("%Y-%m-%d")


def khaos_length(text: str) -> int:
    """Length as Khaos counts it: UTF-16 code units."""
    return len(text) + sum(1 for char in text if ord(char) > 0xFFFF)


def _check_limit(tag: str, text: str) -> None:
    limit = FIELD_LIMITS.get(tag)
    if limit is not None and khaos_length(text) > limit:
        raise FieldLimitError(tag, text, limit)
    per_line = LINE_LIMITS.get(tag)
    if per_line is not None:
        for line in text.splitlines():
            if khaos_length(line) > per_line:
                raise FieldLimitError(tag, line, per_line)
    if tag == "CARD_NUMBER" and not _wallet_marker(text):
        raise DocumentError("CARD_NUMBER may only carry a wallet marker such as PAYPAL")


def wrap_lines(text: str, limit: int) -> str:
    """``text`` wrapped so that no line is longer than ``limit`` UTF-16 units; nothing cut."""
    out: list[str] = []
    for paragraph in text.splitlines() or [""]:
        line = ""
        for word in paragraph.split(" "):
            candidate = f"{line} {word}" if line else word
            if khaos_length(candidate) <= limit:
                line = candidate
                continue
            if line:
                out.append(line)
            while khaos_length(word) > limit:
                cut = _cut_point(word, limit)
                out.append(word[:cut])
                word = word[cut:]
            line = word
        out.append(line)
    return "\n".join(out)


def _xml_text(where: str, text: str) -> str:
    for char in text:
        if not _xml_char(char):
            raise DocumentError(
                f"{where}: U+{ord(char):04X} cannot be carried in an XML document: {text!r}"
            )
    return text


def _xml_char(char: str) -> bool:
    code = ord(char)
    return (
        code in (0x9, 0xA, 0xD)
        or 0x20 <= code <= 0xD7FF
        or 0xE000 <= code <= 0xFFFD
        or 0x10000 <= code <= 0x10FFFF
    )


# --- truncation ----------------------------------------------------------


def truncate_description(text: str, limit: int) -> str:
    """Shorten ``text`` to at most ``limit`` UTF-16 units, marking the cut with an ellipsis.

    For fields where losing the end is harmless (descriptions, notes). The cut
    never splits a surrogate pair, a base character from its combining marks,
    or an emoji sequence. Text already within the limit is returned unchanged.
    """
    if limit < 1:
        raise ValueError(f"limit must be at least 1, got {limit}")
    if khaos_length(text) <= limit:
        return text
    cut = _cut_point(text, limit - khaos_length(ELLIPSIS))
    return text[:cut].rstrip() + ELLIPSIS


def _cut_point(text: str, budget: int) -> int:
    used = 0
    cut = 0
    for char in text:
        size = 2 if ord(char) > 0xFFFF else 1
        if used + size > budget:
            break
        used += size
        cut += 1
    while 0 < cut < len(text) and _inside_cluster(text, cut):
        cut -= 1
    return cut


_ZWJ: Final = "\u200d"


def _inside_cluster(text: str, cut: int) -> bool:
    """True when a cut before ``text[cut]`` would break one visible character."""
    char = text[cut]
    if text[cut - 1] == _ZWJ or char == _ZWJ:
        return True
    if unicodedata.category(char) in ("Mn", "Mc", "Me"):
        return True
    code = ord(char)
    if 0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF or 0x1F3FB <= code <= 0x1F3FF:
        return True
    return _is_regional(char) and _regional_run_before(text, cut) % 2 == 1


def _is_regional(char: str) -> bool:
    return 0x1F1E6 <= ord(char) <= 0x1F1FF


def _regional_run_before(text: str, cut: int) -> int:
    run = 0
    while cut - run - 1 >= 0 and _is_regional(text[cut - run - 1]):
        run += 1
    return run
