"""KSDXMLCustomer (ExportCompany) and KSDXMLDeletedEntries (GetDeletedEntries)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from lxml import etree

from khaos_sync.simulator.model import Address, Contact, Customer
from khaos_sync.simulator.writers.common import document, flag, sub, sub_cdata, uk_date


def customers_document(customers: Iterable[Customer]) -> str:
    root = etree.Element("COMPANYS")
    for customer in customers:
        root.append(_company(customer))
    return document(root)


def _company(customer: Customer) -> etree._Element:
    element = etree.Element("COMPANY")
    sub(element, "COMPANY_ID", str(customer.company_id))
    sub(element, "COMPANY_CODE", customer.code)
    sub_cdata(element, "COMPANY_NAME", customer.name)
    sub(element, "OTHER_REF", customer.other_ref)
    sub(element, "WEB_SITE")
    sub(element, "COMPANY_CLASS", customer.company_class)
    sub(element, "COMPANY_TYPE", customer.company_type)
    sub(element, "COMPANY_STATUS", customer.company_status)
    sub(element, "SOURCE_CODE", customer.source_code)
    sub(element, "DATE_CREATED", customer.created.date().isoformat())
    sub(element, "SUPPLIER", flag(customer.supplier))
    sub(element, "EC_COMPANY", "0")
    sub(element, "PAYS_VAT", "-1")
    sub(element, "WEB_USER", customer.web_user)
    sub(element, "WEB_PASSWORD", customer.web_password)
    sub(element, "MAILING_STATUS", str(customer.mailing_status))
    sub(element, "SALE_SOURCE", customer.sales_source)
    sub(element, "PAYMENT_TYPE", "Credit Card")
    sub(element, "CURRENCY_CODE", customer.currency_code)
    lists = sub(element, "PRICE_LISTS")
    for name in customer.price_lists:
        sub(lists, "PRICE_LIST", name, IS_NET="-1", CURRENCY_CODE=customer.currency_code)
    sub(element, "HIDE_COMPANY", flag(customer.hidden))
    sub(element, "HOLD_DATA", "0")
    addresses = sub(element, "ADDRESSES")
    for address in customer.addresses:
        addresses.append(_address(address))
    return element


def _address(address: Address) -> etree._Element:
    element = etree.Element("ADDRESS")
    for tag, value in (
        ("ADDR1", address.addr1),
        ("ADDR2", address.addr2),
        ("ADDR3", address.addr3),
        ("TOWN", address.town),
        ("COUNTY", address.county),
        ("POSTCODE", address.postcode),
        ("ORGANISATION", address.organisation),
    ):
        sub_cdata(element, tag, value)
    sub(element, "ADDRTYPE", str(address.addr_type))
    sub(element, "EMAIL", address.email)
    sub(element, "TEL", address.tel)
    sub(element, "COUNTRY_CODE", address.country_code)
    sub(element, "INACTIVE", "0")
    sub(element, "IS_PREFERRED_DELIVERY", flag(address.preferred_delivery))
    contacts = sub(element, "CONTACTS")
    for contact in address.contacts:
        contacts.append(_contact(contact))
    return element


def _contact(contact: Contact) -> etree._Element:
    element = etree.Element("CONTACT")
    sub(element, "TITLE", contact.title)
    sub_cdata(element, "FORENAME", contact.forename)
    sub_cdata(element, "SURNAME", contact.surname)
    sub(element, "TEL", contact.tel)
    sub(element, "MOBILE", contact.mobile)
    sub(element, "EMAIL", contact.email)
    sub(element, "EMAILSUBSCRIBE", "0")
    sub(element, "INACTIVE", "0")
    return element


def deleted_entries_document(entries: Iterable[tuple[int, int, str, datetime]]) -> str:
    """Rows of (header id, document type, merged-into id or "", deletion time)."""
    root = etree.Element("DELETED_ENTRIES")
    for header_id, document_type, additional_ref, deleted_at in entries:
        entry = sub(root, "DELETED_ENTRY")
        sub(entry, "HEADER_ID", str(header_id))
        sub(entry, "DOCUMENT_TYPE", str(document_type))
        sub(entry, "ADDITIONAL_REF", additional_ref)
        sub(entry, "DELETION_DATE", uk_date(deleted_at))
        sub(entry, "PARENT_ID")
    return document(root)
