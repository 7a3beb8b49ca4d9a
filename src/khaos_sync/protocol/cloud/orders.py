"""The order download: ``SalesOrderImport`` / ``{"Orders": [...], "ApiVersion": 1000}``.

Orders are the same :class:`~khaos_sync.protocol.documents.orders.SalesOrder`
records the SOAP path sends with ImportOrders, so the order builder's rules
(only Khaos products, truncation, payments) apply unchanged. Writing and
reading are inverse: an order written and read again comes back equal, as
far as KCC has a field for it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any, Final

from khaos_sync.protocol.cloud.payload import (
    API_VERSION,
    DEFAULT_MAX_BYTES,
    DataItem,
    Described,
    Format,
    Node,
    Price,
    Repeated,
    Seq,
    compact,
    dump,
    load,
)
from khaos_sync.protocol.documents.orders import (
    Address,
    Customer,
    MappingType,
    OrderHeader,
    OrderItem,
    Payment,
    PaymentType,
    SalesOrder,
)
from khaos_sync.protocol.errors import DocumentError

ROOT = "SalesOrderImport"

MAPPINGS: Final = {
    MappingType.STOCK_CODE: "StockCode",
    MappingType.OTHER_REF: "OtherRef",
    MappingType.BARCODE: "Barcode",
    MappingType.WEB_CATEGORY_CODE: "WebCode",
    MappingType.AUTOMATIC: "Automatic",
}
_MAPPING_TYPES: Final = {name.lower(): int(kind) for kind, name in MAPPINGS.items()}

# Payment kinds: the key a KCC payment carries its details under.
PAYMENT_KEYS: Final = {
    PaymentType.CASH: "Cash",
    PaymentType.CHEQUE: "Cheque",
    PaymentType.CARD: "Card",
    PaymentType.VOUCHER: "Voucher",
    # Paid on account: KCC records the money as a bank transfer.
    PaymentType.ACCOUNT: "BACS",
}
_PAYMENT_TYPES: Final = {key: int(kind) for kind, key in PAYMENT_KEYS.items()}

CREATE_ALWAYS = "Always"
CREATE_IF_NO_MATCH = "IfNoMatch"
# Header.CustomData, which KCC echoes back in every status of the order: the shop's
# order number, so a status still finds its order if the associated ref is edited in Khaos.
CUSTOM_DATA_PREFIX: Final = "order="


def custom_data_for(order_number: str) -> str:
    return CUSTOM_DATA_PREFIX + order_number


def order_number_in(custom_data: str | None) -> str | None:
    """The shop's order number in a status's CustomData, if it is one the shop wrote."""
    text = (custom_data or "").strip()
    number = text.removeprefix(CUSTOM_DATA_PREFIX)
    return number if text.startswith(CUSTOM_DATA_PREFIX) and number else None


@dataclass(frozen=True, slots=True)
class MatchConfig:
    """``Config``: how Khaos matches an order's customer to its records."""

    match_company_on: tuple[str, ...] = ("CompanyCode",)
    match_address_on: tuple[str, ...] = ("Address1", "Postcode")
    match_contact_on: tuple[str, ...] = ("Surname",)


@dataclass(frozen=True, slots=True)
class OrderDownload:
    orders: tuple[SalesOrder, ...]
    api_version: int
    config: MatchConfig
    # Header.CustomData by associated ref: what Khaos echoes back in statuses.
    custom_data: dict[str, str] = field(default_factory=dict)


# --- writing --------------------------------------------------------------------------


def write_order_download(
    orders: Sequence[SalesOrder], fmt: Format, config: MatchConfig | None = None
) -> bytes:
    """The answer to an order pull. ``ApiVersion`` is there even with no orders."""
    config = config or MatchConfig()
    tree = {
        "Orders": Seq("SalesOrder", [_order_tree(order) for order in orders]),
        "ApiVersion": API_VERSION,
        "Config": {
            "MatchCompanyOn": Repeated(config.match_company_on),
            "MatchAddressOn": Repeated(config.match_address_on),
            "MatchContactOn": Repeated(config.match_contact_on),
        },
    }
    return dump(tree, fmt, ROOT)


def _order_tree(order: SalesOrder) -> dict[str, Any]:
    if not order.header.associated_ref.strip():
        raise DocumentError("Header.AssociatedRef is compulsory and must not be blank")
    customer = order.customer
    invoice = customer.invoice_address
    delivery = customer.delivery_address
    return compact(
        {
            "Customer": _customer_tree(customer, order.header),
            "InvoiceAddress": _address_tree(invoice),
            "InvoiceContact": _contact_tree(invoice),
            "DeliveryAddress": None if delivery is None else _address_tree(delivery),
            "DeliveryContact": None if delivery is None else _contact_tree(delivery),
            "Header": _header_tree(order.header),
            "Items": Seq("OrderItem", [_item_tree(item) for item in order.items]),
            "Payments": Seq("OrderPayment", [_payment_tree(p) for p in order.payments]),
        }
    )


def _customer_tree(customer: Customer, header: OrderHeader) -> dict[str, Any]:
    new = customer.is_new_customer and not customer.company_code
    return compact(
        {
            "CreateNew": CREATE_ALWAYS if new else CREATE_IF_NO_MATCH,
            "CompanyClass": DataItem(name=customer.company_class),
            "CompanyType": DataItem(name=customer.company_type),
            "Currency": DataItem(code=header.order_currency_code),
            "CompanyName": customer.company_name,
            "OtherRef": customer.other_ref,
            "WebUser": customer.web_user,
            "WebSite": customer.web_site,
            "SourceCode": customer.source_code,
            "MailingStatus": DataItem(
                id=None if customer.mailing_status is None else str(customer.mailing_status)
            ),
            "TaxReference": customer.tax_reference,
            "VatReliefQualified": customer.vat_relief_qualified,
            # Only when Khaos gave one: an unknown URN fails the import.
            "URN": customer.company_code,
        }
    )


def _address_tree(address: Address) -> dict[str, Any]:
    return compact(
        {
            "Line1": address.address1,
            "Line2": address.address2,
            "Line3": address.address3,
            "Town": address.town,
            "County": address.county,
            "Postcode": address.postcode,
            "Country": DataItem(code=address.country_code, name=address.country_name),
            "Telephone": address.tel,
            "Fax": address.fax,
            "Organisation": address.organisation,
        }
    )


def _contact_tree(address: Address) -> dict[str, Any]:
    return compact(
        {
            "Title": address.title,
            "Forename": address.forename,
            "Surname": address.surname,
            "Email": address.email,
            "Mobile": address.mobile,
        }
    )


def _header_tree(header: OrderHeader) -> dict[str, Any]:
    delivery = _price(header.delivery_grs, header.delivery_net)
    return compact(
        {
            "AssociatedRef": header.associated_ref,
            "OrderDate": _moment(header.order_date),
            "DeliveryDate": _moment(header.delivery_date),
            "RequiredDate": _moment(header.required_by_date),
            "Site": DataItem(id=header.site),
            "Courier": DataItem(code=header.courier_code, name=header.courier_desc),
            "SalesSource": DataItem(id=header.sales_source),
            "Brand": DataItem(id=header.brand),
            "Agent": DataItem(id=header.agent),
            "KeyCode": DataItem(code=header.keycode_code),
            "DiscountCodes": Seq("string", []),
            "DeliveryCharge": delivery,
            "DeliveryTaxAmount": header.delivery_tax,
            "GrossTotal": header.order_amount,
            "PONumber": header.po_number,
            "OrderNote": header.order_note,
            "InvoiceNote": header.invoice_note,
            "CourierNote": header.courier_note,
            "Channel": header.website_name,
            "CustomData": custom_data_for(header.associated_ref),
        }
    )


def _item_tree(item: OrderItem) -> dict[str, Any]:
    if not item.stock_code.strip():
        raise DocumentError("OrderItem.SKU is compulsory and must not be blank")
    mapping = (
        MAPPINGS.get(MappingType(item.mapping_type)) if item.mapping_type is not None else None
    )
    return compact(
        {
            "SKU": item.stock_code,
            "Mapping": mapping,
            "Quantity": item.order_qty,
            "StockDescription": None if item.stock_desc is None else Described(item.stock_desc),
            "ExtendedDescription": Seq(
                "string", [] if item.extended_desc is None else item.extended_desc.split("\n")
            ),
            "UnitPrice": _price(item.price_grs, item.price_net),
            "TaxRate": DataItem(id=None if item.tax_rate is None else str(item.tax_rate)),
            "ImportRef": item.import_ref,
            "WebItemRef": item.webitem_ref,
            "PackLink": item.pack_sort_order,
            "FreeItemReason": item.freeitem_reason,
            "Discount": item.ksd_discount,
            "Site": DataItem(id=item.site),
        }
    )


def _payment_tree(payment: Payment) -> dict[str, Any]:
    kind = PaymentType(payment.payment_type if payment.payment_type is not None else 2)
    details: dict[str, Any] = {}
    if kind is PaymentType.CARD:
        details = compact(
            {
                "CardType": payment.card_type,
                "IsPreauth": payment.preauth,
                "AuthCode": payment.auth_code,
                "TransactionID": payment.transaction_id,
                "PreauthRef": payment.preauth_ref,
                "SecurityRef": payment.security_ref,
                "SecurityComment": payment.security_comment,
                "CardName": payment.card_name,
                "CreditScore": payment.credit_score,
            }
        )
    elif kind is PaymentType.ACCOUNT:
        details = compact({"AccountNumber": payment.account_number})
    return compact(
        {
            "Amount": payment.amount,
            "TransactionDate": _moment(payment.transaction_timestamp),
            PAYMENT_KEYS[kind]: details,
            "BankAccount": None if payment.account_name is None else {"Name": payment.account_name},
        }
    )


def _price(gross: Any, net: Any) -> Price | None:
    if gross is not None:
        return Price(gross, net=False)
    return None if net is None else Price(net, net=True)


def _moment(value: date | None) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.combine(value, time())


# --- reading --------------------------------------------------------------------------


def read_order_download(
    data: bytes | str, fmt: Format, *, max_bytes: int = DEFAULT_MAX_BYTES
) -> OrderDownload:
    top = load(data, fmt, ROOT, max_bytes=max_bytes)
    version = top.as_int("ApiVersion")
    if version != API_VERSION:
        raise DocumentError(f"ApiVersion is {version}, KCC requires {API_VERSION}")
    config = top.node("Config")
    nodes = list(top.nodes("Orders"))
    orders = tuple(read_sales_order(node) for node in nodes)
    return OrderDownload(
        orders=orders,
        api_version=version,
        custom_data=_custom_data(nodes, orders),
        config=MatchConfig()
        if config is None
        else MatchConfig(
            tuple(config.texts("MatchCompanyOn")),
            tuple(config.texts("MatchAddressOn")),
            tuple(config.texts("MatchContactOn")),
        ),
    )


def _custom_data(nodes: Sequence[Node], orders: Sequence[SalesOrder]) -> dict[str, str]:
    found = {}
    for node, order in zip(nodes, orders, strict=True):
        header = node.node("Header")
        text = None if header is None else header.text("CustomData")
        if text:
            found[order.header.associated_ref] = text
    return found


def read_sales_order(node: Node) -> SalesOrder:
    header = node.node("Header")
    if header is None or header.text("AssociatedRef") is None:
        raise DocumentError(f"{node.where}: SalesOrder has no Header.AssociatedRef")
    customer = node.node("Customer")
    delivery = node.node("DeliveryAddress")
    return SalesOrder(
        customer=_read_customer(
            customer,
            _read_address(node.node("InvoiceAddress"), node.node("InvoiceContact")),
            None if delivery is None else _read_address(delivery, node.node("DeliveryContact")),
        ),
        header=_read_header(header, customer),
        items=tuple(_read_item(item) for item in node.nodes("Items")),
        payments=tuple(_read_payment(payment) for payment in node.nodes("Payments")),
    )


def _read_customer(node: Node | None, invoice: Address, delivery: Address | None) -> Customer:
    if node is None:
        return Customer(invoice_address=invoice, delivery_address=delivery)
    mailing = node.data_item("MailingStatus")
    mailing_id = None if mailing is None else mailing.id
    return Customer(
        invoice_address=invoice,
        delivery_address=delivery,
        is_new_customer=(node.text("CreateNew") or "").lower() == CREATE_ALWAYS.lower(),
        company_code=node.text("URN"),
        other_ref=node.text("OtherRef"),
        web_user=node.text("WebUser"),
        company_class=_name_or_id(node.data_item("CompanyClass")),
        company_type=_name_or_id(node.data_item("CompanyType")),
        company_name=node.text("CompanyName"),
        web_site=node.text("WebSite"),
        source_code=node.text("SourceCode"),
        mailing_status=None if not mailing_id else _whole(mailing_id, node.path("MailingStatus")),
        tax_reference=node.text("TaxReference"),
        vat_relief_qualified=node.as_bool("VatReliefQualified"),
    )


def _read_address(address: Node | None, contact: Node | None) -> Address:
    country = None if address is None else address.data_item("Country")
    values: dict[str, Any] = {}
    if address is not None:
        values.update(
            address1=address.text("Line1"),
            address2=address.text("Line2"),
            address3=address.text("Line3"),
            town=address.text("Town"),
            county=address.text("County"),
            postcode=address.text("Postcode"),
            country_code=None if country is None else country.code,
            country_name=None if country is None else country.name,
            tel=address.text("Telephone"),
            fax=address.text("Fax"),
            organisation=address.text("Organisation"),
        )
    if contact is not None:
        values.update(
            title=contact.text("Title"),
            forename=contact.text("Forename"),
            surname=contact.text("Surname"),
            email=contact.text("Email"),
            mobile=contact.text("Mobile"),
        )
    return Address(**values)


def _read_header(node: Node, customer: Node | None) -> OrderHeader:
    delivery = node.price("DeliveryCharge")
    courier = node.data_item("Courier")
    currency = None if customer is None else customer.data_item("Currency")
    return OrderHeader(
        associated_ref=node.required("AssociatedRef"),
        order_date=node.as_datetime("OrderDate"),
        delivery_date=node.as_datetime("DeliveryDate"),
        required_by_date=node.as_datetime("RequiredDate"),
        order_amount=node.as_decimal("GrossTotal"),
        order_currency_code=None if currency is None else currency.code,
        site=_id(node.data_item("Site")),
        agent=_id(node.data_item("Agent")),
        courier_code=None if courier is None else courier.code,
        courier_desc=None if courier is None else courier.name,
        sales_source=_id(node.data_item("SalesSource")),
        brand=_id(node.data_item("Brand")),
        keycode_code=None if node.data_item("KeyCode") is None else _code(node, "KeyCode"),
        delivery_grs=None if delivery is None or delivery.net else delivery.amount,
        delivery_net=delivery.amount if delivery is not None and delivery.net else None,
        delivery_tax=node.as_decimal("DeliveryTaxAmount"),
        po_number=node.text("PONumber"),
        order_note=node.text("OrderNote"),
        invoice_note=node.text("InvoiceNote"),
        courier_note=node.text("CourierNote"),
        website_name=node.text("Channel"),
    )


def _read_item(node: Node) -> OrderItem:
    sku = node.text("SKU")
    if sku is None:
        raise DocumentError(f"{node.where}: OrderItem has no SKU")
    price = node.price("UnitPrice")
    tax = node.data_item("TaxRate")
    extended = node.texts("ExtendedDescription")
    return OrderItem(
        stock_code=sku,
        mapping_type=_mapping_type(node),
        stock_desc=node.described("StockDescription"),
        extended_desc="\n".join(extended) if extended else None,
        order_qty=node.as_decimal("Quantity"),
        price_grs=None if price is None or price.net else price.amount,
        price_net=price.amount if price is not None and price.net else None,
        tax_rate=None if tax is None or tax.id is None else _whole(tax.id, node.path("TaxRate")),
        import_ref=node.text("ImportRef"),
        webitem_ref=node.text("WebItemRef"),
        pack_sort_order=node.text("PackLink"),
        freeitem_reason=node.text("FreeItemReason"),
        ksd_discount=node.as_decimal("Discount"),
        site=_id(node.data_item("Site")),
    )


def _mapping_type(node: Node) -> int | None:
    # "Mapping" is a plain name on orders; returns nest it as [{"Mapping": …}].
    name = node.text("Mapping") if not _nested(node, "Mapping") else None
    if name is None:
        nested = node.nodes("Mapping")
        name = nested[0].text("Mapping") if nested else None
    if name is None:
        return None
    kind = _MAPPING_TYPES.get(name.lower())
    if kind is None:
        raise DocumentError(
            f"{node.path('Mapping')}: {name!r} is not one of {', '.join(MAPPINGS.values())}"
        )
    return kind


def _nested(node: Node, key: str) -> bool:
    try:
        node.text(key)
    except DocumentError:
        return True
    return False


def _read_payment(node: Node) -> Payment:
    kinds = [key for key in _PAYMENT_TYPES if node.has(key)]
    if len(kinds) > 1:
        raise DocumentError(
            f"{node.where}: a payment carries one of Cash, Cheque, Card … not {kinds}"
        )
    kind = kinds[0] if kinds else None
    details = node.node(kind) if kind else None
    bank = node.node("BankAccount") if _nested(node, "BankAccount") else None
    common: dict[str, Any] = {
        "amount": node.as_decimal("Amount"),
        "payment_type": None if kind is None else _PAYMENT_TYPES[kind],
        "transaction_timestamp": node.as_datetime("TransactionDate"),
        "account_name": bank.text("Name") if bank is not None else node.text("BankAccount"),
    }
    if details is not None and kind == "Card":
        common.update(
            card_type=details.text("CardType"),
            preauth=details.as_bool("IsPreauth"),
            auth_code=details.text("AuthCode"),
            transaction_id=details.text("TransactionID"),
            preauth_ref=details.text("PreauthRef"),
            security_ref=details.text("SecurityRef"),
            security_comment=details.text("SecurityComment"),
            card_name=details.text("CardName"),
            credit_score=details.text("CreditScore"),
        )
    elif details is not None and kind == "BACS":
        common.update(account_number=details.text("AccountNumber"))
    return Payment(**common)


def _id(item: DataItem | None) -> str | None:
    return None if item is None else item.id


def _name_or_id(item: DataItem | None) -> str | None:
    return None if item is None else (item.name or item.id)


def _code(node: Node, key: str) -> str | None:
    item = node.data_item(key)
    return None if item is None else item.code


def _whole(text: str, where: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise DocumentError(f"{where}: {text!r} is not a whole number") from None
