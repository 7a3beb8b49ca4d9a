"""ExportOrderStatus and ExportOrderStatusEx documents."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from khaos_sync.protocol.documents.order_status import (
    InvoiceStage,
    parse_order_status,
    parse_order_status_ex,
)
from khaos_sync.protocol.errors import DocumentError


def test_order_status_sample(khaosws_samples: Path) -> None:
    first, second = parse_order_status((khaosws_samples / "KSDXMLOrderStatus.xml").read_bytes())
    assert (first.associated_ref, first.order_code, first.invoice_code) == ("X12", "S2334", "I3243")
    assert (first.complete, first.consignment, first.company_code) == (True, "Z23214SHB", "ABCDE")
    assert first.stage_id == InvoiceStage.STAGING
    assert (second.associated_ref, second.invoice_code, second.consignment) == ("69", None, None)
    assert second.complete is False
    assert second.stage_id == InvoiceStage.AUTHORISE_PAYMENT


def test_order_status_ex_sample(khaosws_samples: Path) -> None:
    statuses = parse_order_status_ex((khaosws_samples / "KSDXMLOrderStatusEx.xml").read_bytes())
    assert len(statuses) == 2
    status = statuses[0]
    assert (status.order_code, status.associated_ref) == ("SO1234", "SO_WEBREF")
    assert (status.company_name, status.company_code, status.company_other_ref) == (
        "Test company",
        "CU1234",
        "CU_WEBREF",
    )
    assert (status.order_type, status.order_type_id) == ("Sales Order", "S")
    assert (status.courier, status.currency_code) == ("Royal Mail", "GBP")
    assert status.date_created == date(2009, 1, 1)  # DD/MM/YYYY
    assert status.delivery_date == date(2009, 1, 2)
    assert (status.items_total, status.items_total_net) == (Decimal("117.50"), Decimal("100.00"))
    assert (status.delivery_total, status.delivery_total_net) == (
        Decimal("10.16"),
        Decimal("10.00"),
    )
    assert status.complete is False
    assert status.qty_sold is None and status.qty_assigned is None
    assert status.cancelled
    assert status.cancellation is not None
    assert status.cancellation.cancelled_at == datetime(2011, 6, 6)
    assert (status.cancellation.reason, status.cancellation.user_name) == ("why?", "user")

    assert len(status.invoices) == 2
    invoice = status.invoices[0]
    assert invoice.invoice_code == "INV1234"
    assert (invoice.invoice_date, invoice.ship_date, invoice.issue_date) == (
        date(2009, 1, 3),
        date(2009, 1, 4),
        date(2009, 1, 5),
    )
    assert (invoice.stage_id, invoice.stage_desc) == (InvoiceStage.MANUAL_HOLD, "MANUALHOLD")
    assert (invoice.courier, invoice.consignment_ref) == ("Royal Mail", "ABC12345")
    assert invoice.tracking_url == "http://www.royalmailtracking.com/trackmyparcel/number=ABC12345"
    assert (invoice.qty_sold, invoice.qty_sent, invoice.moved) == (
        Decimal("100.50"),
        Decimal("90.50"),
        True,
    )
    assert len(invoice.boxes) == 2
    box = invoice.boxes[0]
    assert (box.shipped, box.ship_date, box.consignment_ref) == (
        True,
        date(2009, 1, 2),
        "ABCD12234",
    )
    assert [(i.stock_code, i.qty_sent) for i in box.items] == [("ABC", Decimal("123.45"))] * 2
    assert [(i.stock_code, i.qty_sent) for i in invoice.items] == [("ABC", Decimal("123.45"))] * 2
    # The second order's second invoice has boxes but no INVOICE_ITEMS.
    assert statuses[1].invoices[1].items == ()
    assert len(statuses[1].invoices[1].boxes) == 2


def test_order_not_cancelled_and_not_invoiced() -> None:
    (status,) = parse_order_status_ex(
        '<STATUS_LIST><ORDER_STATUS SORDER_CODE="SO9" ASSOCIATED_REF="100001">'
        "<COMPLETE>0</COMPLETE><DATE_CREATED>27/11/2026</DATE_CREATED></ORDER_STATUS></STATUS_LIST>"
    )
    assert not status.cancelled and status.invoices == ()
    assert status.date_created == date(2026, 11, 27)


def test_bad_stage_is_reported() -> None:
    with pytest.raises(DocumentError, match="ORDER: 'Released'"):
        parse_order_status('<ORDER_STATUSES><ORDER REF="1">Released</ORDER></ORDER_STATUSES>')


def test_own_order_status_fixture(khaosws_fixtures: Path) -> None:
    sent, waiting = parse_order_status((khaosws_fixtures / "KSDXMLOrderStatus.xml").read_bytes())
    assert (sent.associated_ref, sent.order_code, sent.invoice_code) == (
        "100042",
        "SO7710",
        "IN5120",
    )
    assert (sent.complete, sent.consignment) == (True, "JD0002231")
    assert sent.stage_id == InvoiceStage.STAGING
    assert (waiting.invoice_code, waiting.consignment, waiting.complete) == (None, None, False)


def test_own_order_status_ex_fixture(khaosws_fixtures: Path) -> None:
    sent, cancelled = parse_order_status_ex(
        (khaosws_fixtures / "KSDXMLOrderStatusEx.xml").read_bytes()
    )
    assert (sent.order_code, sent.associated_ref, sent.company_other_ref) == (
        "SO7710",
        "100042",
        "cust-17",
    )
    assert sent.date_created == date(2025, 11, 3)  # DD/MM/YYYY
    assert (sent.items_total, sent.items_total_net) == (Decimal("35.90"), Decimal("29.92"))
    assert sent.complete is True and not sent.cancelled
    (invoice,) = sent.invoices
    assert (invoice.stage_id, invoice.consignment_ref) == (InvoiceStage.ISSUED, "JD0002231")
    assert [box.consignment_ref for box in invoice.boxes] == ["JD0002231", "JD0002232"]
    assert [(i.stock_code, i.qty_sent) for i in invoice.items] == [
        ("FLASK-750", Decimal("1")),
        ("MUG-ENAMEL", Decimal("1")),
    ]
    assert cancelled.cancelled and cancelled.cancellation is not None
    assert cancelled.cancellation.cancelled_at == datetime(2025, 11, 5)
    assert cancelled.cancellation.reason == "Customer changed their mind"
    assert cancelled.invoices == () and cancelled.delivery_date is None
