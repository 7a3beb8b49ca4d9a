"""Deleted entries, price lists and catalogue requests."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from khaos_sync.protocol.documents.catalogue_requests import parse_catalogue_requests
from khaos_sync.protocol.documents.deleted import DOCUMENT_TYPE_COMPANY, parse_deleted_entries
from khaos_sync.protocol.documents.price_lists import parse_price_lists


def test_deleted_entries_sample(khaosws_samples: Path) -> None:
    entries = parse_deleted_entries((khaosws_samples / "KSDXMLDeletedEntries.xml").read_bytes())
    assert [(e.header_id, e.document_type, e.merged_into, e.deletion_date) for e in entries] == [
        ("71", DOCUMENT_TYPE_COMPANY, "70", date(2018, 11, 2)),
        ("73", DOCUMENT_TYPE_COMPANY, "70", date(2018, 11, 2)),
    ]
    assert entries[0].parent_id is None


def test_deleted_without_merge() -> None:
    (entry,) = parse_deleted_entries(
        "<DELETED_ENTRIES><DELETED_ENTRY><HEADER_ID>9</HEADER_ID><DOCUMENT_TYPE>5</DOCUMENT_TYPE>"
        "<ADDITIONAL_REF/><DELETION_DATE>31/12/2025</DELETION_DATE></DELETED_ENTRY></DELETED_ENTRIES>"
    )
    assert entry.merged_into is None and entry.deletion_date == date(2025, 12, 31)


def test_price_lists_sample(khaosws_samples: Path) -> None:
    breaks = parse_price_lists((khaosws_samples / "KSDXMLPriceLists.xml").read_bytes())
    assert [
        (b.stock_code, b.stock_type_desc, b.company_code, b.company_class, b.amount_value)
        for b in breaks
    ] == [
        ("FM103120", None, "EMPME1", None, Decimal("4.35")),
        ("BM102700", None, None, "MailOrder", Decimal("6.8")),
        (None, "Hooded SS Blk", "EMPME1", None, Decimal("9.95")),
        (None, "AO LongSlv TS Blk", None, "Retail", Decimal("9.5")),
    ]
    first = breaks[0]
    assert first.company_name == "EMP Merchandising"
    assert (first.qty_start, first.qty_end) == (Decimal("1"), Decimal("999"))
    assert (first.buy_price, first.sell_price) == (Decimal("1.89"), Decimal("4.69"))
    assert (first.discount_value, first.mark_up) == (Decimal("0"), Decimal("0"))


def test_catalogue_requests_sample(khaosws_samples: Path) -> None:
    (request,) = parse_catalogue_requests((khaosws_samples / "KSDXMLCatRequest.xml").read_bytes())
    customer = request.customer
    assert customer.is_new_customer is False
    assert (customer.company_code, customer.company_class, customer.mailing_status) == (
        "KCS001",
        "Internet",
        3,
    )
    assert customer.udas == (
        ("Security Question", "Mother's Maiden Name"),
        ("Favourite Colour", "Salmon Pink"),
    )
    assert customer.invoice_address.address1 == "Century House"
    assert customer.invoice_address.email == "info@khaoscontrol.com"
    assert request.request_date is None and request.catalogue is None


def test_catalogue_request_with_date_and_catalogue() -> None:
    (request,) = parse_catalogue_requests(
        "<CATREQUESTS><REQUEST><CUSTOMER_DETAIL><IS_NEW_CUSTOMER>0</IS_NEW_CUSTOMER>"
        "</CUSTOMER_DETAIL><REQUEST_DATE>2026-11-27</REQUEST_DATE><CATALOGUE>Winter</CATALOGUE>"
        "</REQUEST></CATREQUESTS>"
    )
    assert request.request_date == date(2026, 11, 27) and request.catalogue == "Winter"


def test_own_deleted_entries_fixture(khaosws_fixtures: Path) -> None:
    merged, deleted = parse_deleted_entries(
        (khaosws_fixtures / "KSDXMLDeletedEntries.xml").read_bytes()
    )
    assert (merged.header_id, merged.merged_into, merged.deletion_date) == (
        "5501",
        "5500",
        date(2025, 7, 14),
    )
    assert (deleted.header_id, deleted.merged_into) == ("5502", None)
    assert merged.document_type == DOCUMENT_TYPE_COMPANY


def test_own_price_lists_fixture(khaosws_fixtures: Path) -> None:
    breaks = parse_price_lists((khaosws_fixtures / "KSDXMLPriceLists.xml").read_bytes())
    assert [
        (b.stock_code, b.stock_type_desc, b.company_code, b.company_class, b.amount_value)
        for b in breaks
    ] == [
        ("FLASK-750", None, "TRD-ANCHOR", None, Decimal("14.20")),
        ("MUG-ENAMEL", None, None, "Trade", Decimal("6.5")),
        (None, "Drinkware", "TRD-ANCHOR", None, Decimal("10")),
        (None, "Flasks", None, "Staff", Decimal("25")),
    ]
    assert (breaks[0].qty_start, breaks[0].qty_end) == (Decimal("12"), Decimal("48"))
    assert breaks[0].company_name == "Anchor Gifts"


def test_own_catalogue_requests_fixture(khaosws_fixtures: Path) -> None:
    (request,) = parse_catalogue_requests((khaosws_fixtures / "KSDXMLCatRequest.xml").read_bytes())
    customer = request.customer
    assert customer.is_new_customer is True
    assert (customer.company_code, customer.mailing_status) == ("HLO-C17", 1)
    assert customer.udas == (("Heard of us", "Podcast"),)
    assert (customer.invoice_address.town, customer.invoice_address.email) == (
        "Whitby",
        "priya@example.org",
    )
    assert (request.request_date, request.catalogue) == (date(2025, 9, 30), "Autumn")
