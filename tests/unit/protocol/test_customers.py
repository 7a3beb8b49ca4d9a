"""ExportCompany documents."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from pathlib import Path

from khaos_sync.protocol.documents.customers import (
    AddressType,
    Company,
    MailingStatus,
    iter_customers,
    parse_customers,
)


def test_sample(khaosws_samples: Path) -> None:
    path = khaosws_samples / "KSDXMLCustomer.xml"
    first, second = parse_customers(path.read_bytes())
    assert first.company_status == "Active" and first.source_code == "KC001"
    assert (first.supplier, first.hide_company, first.hold_data) == (False, False, False)
    assert first.mailing_status == MailingStatus.NO_THIRD_PARTIES
    assert first.customer_discount == Decimal("2.5")
    assert (first.sale_source, first.payment_type, first.currency_code) == (
        "USA",
        "Credit Card",
        "GBP",
    )
    assert [(p.name, p.is_net, p.currency_code, p.pricelist_type) for p in first.price_lists] == [
        ("Retailers", True, "GBP", None)
    ]
    assert len(first.addresses) == 2
    address = first.addresses[0]
    assert address.addr1 is None and address.inactive is None
    assert len(address.contacts) == 2
    assert address.contacts[0].email_subscribe is True
    assert address.contacts[1].inactive is False
    assert first.udas == (
        ("Security Question", "Mother's Maiden Name"),
        ("Favourite Colour", "Salmon Pink"),
    )
    assert second.payment_type == "Account" and len(second.price_lists) == 2
    assert list(iter_customers(path)) == [first, second]


def test_password_is_never_part_of_a_record() -> None:
    document = (
        "<COMPANYS><COMPANY><COMPANY_CODE>C1</COMPANY_CODE><WEB_USER>jo@example.com</WEB_USER>"
        "<WEB_PASSWORD>hunter2</WEB_PASSWORD></COMPANY></COMPANYS>"
    )
    (company,) = parse_customers(document)
    assert "web_password" not in {f.name for f in dataclasses.fields(Company)}
    assert "hunter2" not in repr(company)
    assert company.web_user == "jo@example.com"


def test_real_world_customer() -> None:
    document = """<COMPANYS><COMPANY>
      <COMPANY_ID>7012</COMPANY_ID><COMPANY_CODE>BLOGGS01</COMPANY_CODE><OTHER_REF>42</OTHER_REF>
      <COMPANY_NAME><![CDATA[Jo Bloggs & Sons]]></COMPANY_NAME><COMPANY_CLASS>Retail</COMPANY_CLASS>
      <DATE_CREATED>2019-05-01T12:00:00</DATE_CREATED><SUPPLIER>-1</SUPPLIER>
      <HIDE_COMPANY>-1</HIDE_COMPANY><MAILING_STATUS>8</MAILING_STATUS>
      <ADDRESSES><ADDRESS><ADDR1>1 High St</ADDR1><TOWN>Leeds</TOWN><POSTCODE>LS1 1AA</POSTCODE>
        <COUNTRY_CODE>GB</COUNTRY_CODE><ADDRTYPE>1</ADDRTYPE><IS_PREFERRED_DELIVERY>-1</IS_PREFERRED_DELIVERY>
        <CONTACTS><CONTACT><TITLE>Ms</TITLE><FORENAME>Jo</FORENAME><SURNAME>Bloggs</SURNAME>
          <EMAIL>jo@example.com</EMAIL><DOB>1980-02-29</DOB><IS_PREFERRED>-1</IS_PREFERRED>
        </CONTACT></CONTACTS></ADDRESS></ADDRESSES>
      <UNKNOWN_NEW_FIELD>x</UNKNOWN_NEW_FIELD>
    </COMPANY></COMPANYS>"""
    (company,) = parse_customers(document)
    assert (company.company_id, company.company_code, company.other_ref) == (
        "7012",
        "BLOGGS01",
        "42",
    )
    assert company.company_name == "Jo Bloggs & Sons"
    assert company.supplier is True and company.hide_company is True
    assert company.mailing_status == MailingStatus.DECEASED
    (address,) = company.addresses
    assert (address.addr1, address.town, address.postcode, address.country_code) == (
        "1 High St",
        "Leeds",
        "LS1 1AA",
        "GB",
    )
    assert address.addr_type == AddressType.INVOICE and address.is_preferred_delivery is True
    (contact,) = address.contacts
    assert (contact.forename, contact.surname, contact.email) == ("Jo", "Bloggs", "jo@example.com")
    assert contact.dob is not None and contact.dob.isoformat() == "1980-02-29"
    assert contact.is_preferred is True


def test_own_fixture(khaosws_fixtures: Path) -> None:
    path = khaosws_fixtures / "KSDXMLCustomer.xml"
    web, trade = parse_customers(path.read_bytes())
    assert (web.company_id, web.company_code, web.other_ref) == ("5500", "HLO-C17", "cust-17")
    assert web.web_user == "priya@example.org"
    assert "not-for-the-shop" not in repr(web)  # WEB_PASSWORD is never read
    assert [(p.name, p.is_net) for p in web.price_lists] == [("Web", False)]
    (address,) = web.addresses
    assert (address.addr1, address.town, address.postcode) == ("12 Rope Walk", "Whitby", "YO21 1AB")
    assert address.addr_type == AddressType.INVOICE and address.is_preferred_delivery is True
    (contact,) = address.contacts
    assert (contact.email, contact.email_subscribe, contact.is_preferred) == (
        "priya@example.org",
        True,
        True,
    )
    assert web.udas == (("Heard of us", "Podcast"),)
    assert trade.customer_discount == Decimal("12.5") and trade.payment_type == "Account"
    assert [p.currency_code for p in trade.price_lists] == ["GBP", "EUR"]
    assert trade.mailing_status == MailingStatus.NO_THIRD_PARTIES
    assert list(iter_customers(path)) == [web, trade]
