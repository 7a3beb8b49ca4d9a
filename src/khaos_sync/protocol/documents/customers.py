"""KSDXMLCustomer: customer records returned by ExportCompany.

``WEB_PASSWORD`` is deliberately not read: no record produced here can carry
a password, so none can be imported, logged or printed by mistake.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import IntEnum

from lxml import etree

from khaos_sync.protocol.values import Fields, element_text, expect_root
from khaos_sync.protocol.xmlsafe import Source, iter_elements, parse_document

ROOT_TAG = "COMPANYS"
COMPANY_TAG = "COMPANY"


class MailingStatus(IntEnum):
    ANY_THIRD_PARTIES = 1
    SELECTED_THIRD_PARTIES = 2
    NO_THIRD_PARTIES = 3
    CATALOGUES_AND_ORDERS_ONLY = 4
    ORDERS_ONLY = 5
    DO_NOT_USE = 6
    GONE_AWAY = 7
    DECEASED = 8


class AddressType(IntEnum):
    INVOICE = 1
    DELIVERY = 2


@dataclass(frozen=True, slots=True)
class Contact:
    contact_id: str | None
    title: str | None
    forename: str | None
    surname: str | None
    job_title: str | None
    tel: str | None
    fax: str | None
    mobile: str | None
    email: str | None
    note: str | None
    email_subscribe: bool | None
    dob: date | None
    inactive: bool | None
    is_preferred: bool | None
    is_preferred_invoice: bool | None
    is_preferred_delivery: bool | None


@dataclass(frozen=True, slots=True)
class CompanyAddress:
    address_id: str | None
    addr1: str | None
    addr2: str | None
    addr3: str | None
    town: str | None
    county: str | None
    postcode: str | None
    country: str | None
    country_code: str | None
    organisation: str | None
    email: str | None
    tel: str | None
    fax: str | None
    addr_type: int | None
    is_preferred_delivery: bool | None
    inactive: bool | None
    contacts: tuple[Contact, ...]


@dataclass(frozen=True, slots=True)
class CompanyPriceList:
    name: str
    is_net: bool | None
    currency_code: str | None
    pricelist_type: int | None


@dataclass(frozen=True, slots=True)
class Company:
    company_id: str | None
    company_code: str | None
    other_ref: str | None
    company_name: str | None
    company_class: str | None
    company_type: str | None
    company_status: str | None
    source_code: str | None
    date_created: date | None
    # -1 means the record is a supplier, not a customer.
    supplier: bool | None
    # -1 means the record was anonymised.
    hide_company: bool | None
    hold_data: bool | None
    mailing_status: int | None
    web_user: str | None
    tax_reference: str | None
    currency_code: str | None
    customer_discount: Decimal | None
    sale_source: str | None
    payment_type: str | None
    country: str | None
    country_code: str | None
    price_lists: tuple[CompanyPriceList, ...]
    addresses: tuple[CompanyAddress, ...]
    udas: tuple[tuple[str, str], ...]


def iter_customers(source: Source, *, max_bytes: int | None = None) -> Iterator[Company]:
    """Stream the companies of an ExportCompany document (bytes, path or file)."""
    for element in iter_elements(source, COMPANY_TAG, root=ROOT_TAG, max_bytes=max_bytes):
        yield read_company(element)


def parse_customers(data: bytes | str) -> list[Company]:
    root = parse_document(data)
    expect_root(root, ROOT_TAG)
    return [read_company(element) for element in root.iterchildren(COMPANY_TAG)]


def read_company(element: etree._Element) -> Company:
    fields = Fields(element)
    return Company(
        company_id=fields.code("COMPANY_ID"),
        company_code=fields.code("COMPANY_CODE"),
        other_ref=fields.code("OTHER_REF"),
        company_name=fields.text("COMPANY_NAME"),
        company_class=fields.code("COMPANY_CLASS"),
        company_type=fields.code("COMPANY_TYPE"),
        company_status=fields.code("COMPANY_STATUS"),
        source_code=fields.code("SOURCE_CODE"),
        date_created=fields.as_date("DATE_CREATED"),
        supplier=fields.as_bool("SUPPLIER"),
        hide_company=fields.as_bool("HIDE_COMPANY"),
        hold_data=fields.as_bool("HOLD_DATA"),
        mailing_status=fields.as_int("MAILING_STATUS"),
        web_user=fields.code("WEB_USER"),
        tax_reference=fields.code("TAX_REFERENCE"),
        currency_code=fields.code("CURRENCY_CODE"),
        customer_discount=fields.as_decimal("CUSTOMER_DISCOUNT"),
        sale_source=fields.code("SALE_SOURCE"),
        payment_type=fields.code("PAYMENT_TYPE"),
        country=fields.code("COUNTRY"),
        country_code=fields.code("COUNTRY_CODE"),
        price_lists=_price_lists(fields),
        addresses=_addresses(fields),
        udas=tuple(
            (str(e.get("NAME") or ""), element_text(e)) for e in fields.children("ADDITIONAL")
        ),
    )


def _price_lists(fields: Fields) -> tuple[CompanyPriceList, ...]:
    container = fields.child("PRICE_LISTS")
    if container is None:
        return ()
    lists = []
    for element in container.iterchildren("PRICE_LIST"):
        price_list = Fields(element)
        name = price_list.own_code()
        if name is None:
            continue
        lists.append(
            CompanyPriceList(
                name=name,
                is_net=price_list.attr_bool("IS_NET"),
                currency_code=price_list.attr_code("CURRENCY_CODE"),
                pricelist_type=price_list.attr_int("PRICELIST_TYPE"),
            )
        )
    return tuple(lists)


def _addresses(fields: Fields) -> tuple[CompanyAddress, ...]:
    container = fields.child("ADDRESSES")
    if container is None:
        return ()
    return tuple(_address(Fields(element)) for element in container.iterchildren("ADDRESS"))


def _address(fields: Fields) -> CompanyAddress:
    contacts = fields.child("CONTACTS")
    return CompanyAddress(
        address_id=fields.code("ADDRESS_ID"),
        addr1=fields.code("ADDR1"),
        addr2=fields.code("ADDR2"),
        addr3=fields.code("ADDR3"),
        town=fields.code("TOWN"),
        county=fields.code("COUNTY"),
        postcode=fields.code("POSTCODE"),
        country=fields.code("COUNTRY"),
        country_code=fields.code("COUNTRY_CODE"),
        organisation=fields.code("ORGANISATION"),
        email=fields.code("EMAIL"),
        tel=fields.code("TEL"),
        fax=fields.code("FAX"),
        addr_type=fields.as_int("ADDRTYPE"),
        is_preferred_delivery=fields.as_bool("IS_PREFERRED_DELIVERY"),
        inactive=fields.as_bool("INACTIVE"),
        contacts=()
        if contacts is None
        else tuple(_contact(Fields(e)) for e in contacts.iterchildren("CONTACT")),
    )


def _contact(fields: Fields) -> Contact:
    return Contact(
        contact_id=fields.code("CONTACT_ID"),
        title=fields.code("TITLE"),
        forename=fields.code("FORENAME"),
        surname=fields.code("SURNAME"),
        job_title=fields.code("JOBTITLE"),
        tel=fields.code("TEL"),
        fax=fields.code("FAX"),
        mobile=fields.code("MOBILE"),
        email=fields.code("EMAIL"),
        note=fields.text("NOTE"),
        email_subscribe=fields.as_bool("EMAILSUBSCRIBE"),
        dob=fields.as_date("DOB"),
        inactive=fields.as_bool("INACTIVE"),
        is_preferred=fields.as_bool("IS_PREFERRED"),
        is_preferred_invoice=fields.as_bool("IS_PREFERRED_INVOICE"),
        is_preferred_delivery=fields.as_bool("IS_PREFERRED_DELIVERY"),
    )
