"""Khaos order statuses to shop statuses and shipments (mapping §8), without a database."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from khaos_sync.config import ConfigError, load
from khaos_sync.mappers.status import (
    DEFAULT_STAGE_STATUSES,
    LineRef,
    SentItem,
    StatusMappingError,
    allocate,
    map_order_status,
    parse_stage_statuses,
    tracking_link,
)
from khaos_sync.protocol.documents.order_status import parse_order_status_ex

TABLE = DEFAULT_STAGE_STATUSES


def status_document(*orders: str) -> str:
    return f"<STATUS_LIST>{''.join(orders)}</STATUS_LIST>"


def order(ref: str = "100001", *, invoices: str = "", extra: str = "", code: str = "SO1") -> str:
    return (
        f'<ORDER_STATUS SORDER_CODE="{code}" ASSOCIATED_REF="{ref}">'
        f"<COMPLETE>0</COMPLETE>{extra}<INVOICES>{invoices}</INVOICES></ORDER_STATUS>"
    )


def invoice(code: str, stage: int, *, sent: str = "0", body: str = "", **attrs: str) -> str:
    extra = "".join(f' {name.upper()}="{value}"' for name, value in attrs.items())
    return (
        f'<INVOICE INVOICE_CODE="{code}" INVOICE_STAGE_ID="{stage}" QTY_SENT="{sent}"'
        f' MOVED="-1"{extra}>{body}</INVOICE>'
    )


def items(*rows: tuple[str, str, str]) -> str:
    inner = "".join(
        f'<INVOICE_ITEM STOCK_CODE="{code}" QTY_SENT="{qty}" IMPORT_REF="{ref}"/>'
        for code, qty, ref in rows
    )
    return f"<INVOICE_ITEMS>{inner}</INVOICE_ITEMS>"


def mapped(document: str):  # type: ignore[no-untyped-def]
    (record,) = parse_order_status_ex(document)
    return map_order_status(record, TABLE)


@pytest.mark.parametrize(
    ("stage", "status"),
    [
        (9, "Processing"),
        (10, "Processing"),
        (11, "Awaiting payment"),
        (12, "Picking"),
        (13, "Picking"),
        (20, "Picking"),
        (14, "Dispatching"),
        (15, "Dispatching"),
        (16, "Dispatched"),
        (70, "Dispatched"),
        (71, "Dispatched"),
        (17, "On hold"),
        (18, "On hold"),
        (19, "On hold"),
        (21, "On hold"),
    ],
)
def test_each_invoice_stage_has_the_shop_status_of_mapping_8(stage: int, status: str) -> None:
    change = mapped(status_document(order(invoices=invoice("IN1", stage))))

    assert change.status == status
    assert change.order_number == "100001" and change.khaos_order_code == "SO1"


def test_one_invoice_sent_and_one_still_open_is_part_dispatched() -> None:
    document = status_document(order(invoices=invoice("IN1", 70, sent="2.00") + invoice("IN2", 12)))

    assert mapped(document).status == "Part dispatched"


def test_among_open_invoices_a_hold_speaks_for_the_order() -> None:
    document = status_document(order(invoices=invoice("IN1", 14) + invoice("IN2", 18)))

    assert mapped(document).status == "On hold"


def test_a_cancelled_order_is_cancelled_with_khaos_reason() -> None:
    cancelled = (
        "<CANCELLED><CANCELLED_DATE_TIME>2026-11-20</CANCELLED_DATE_TIME>"
        "<REASON>Out of stock &amp; discontinued</REASON><USER_NAME>jane</USER_NAME></CANCELLED>"
    )
    change = mapped(status_document(order(extra=cancelled, invoices=invoice("IN1", 10))))

    assert change.status == "Cancelled"
    assert change.cancellation is not None
    assert change.cancellation.note() == (
        "Cancelled in Khaos by jane on 20/11/2026: Out of stock & discontinued"
    )


def test_a_stage_the_table_does_not_know_changes_nothing_and_is_reported() -> None:
    change = mapped(status_document(order(invoices=invoice("IN1", 55))))

    assert change.status is None
    assert change.unknown_stages == (55,)


def test_a_sent_invoice_is_one_shipment_with_tracking_and_line_quantities() -> None:
    body = items(("ABC", "2.00", "41"), ("XYZ", "1.00", ""))
    document = status_document(
        order(
            invoices=invoice(
                "IN7",
                70,
                sent="3.00",
                body=body,
                courier="Royal Mail",
                consignment_ref="RM123",
                tracking_url="https://track.example/RM123",
                ship_date="21/11/2026",
            )
        )
    )

    (shipment,) = mapped(document).shipments

    assert (shipment.key, shipment.courier, shipment.consignment_ref) == (
        "IN7",
        "Royal Mail",
        "RM123",
    )
    assert shipment.tracking_url == "https://track.example/RM123"
    assert shipment.shipped_on == date(2026, 11, 21)
    assert shipment.items == (SentItem("41", "ABC", 2), SentItem(None, "XYZ", 1))


def test_nothing_is_shipped_while_the_invoice_is_being_picked() -> None:
    document = status_document(
        order(invoices=invoice("IN1", 12, body=items(("ABC", "0.00", "41"))))
    )

    assert mapped(document).shipments == ()


def test_boxes_with_their_own_consignments_are_separate_shipments() -> None:
    boxes = "".join(
        f'<BOX SHIPPED="-1" COURIER="DPD" CONSIGNMENT_REF="{ref}" '
        f'TRACKING_URL="https://track.dpd.co.uk/parcels/{ref}">'
        f'<BOX_ITEM STOCK_CODE="{code}" QTY_SENT="1.00"/></BOX>'
        for ref, code in (("D1", "ABC"), ("D2", "XYZ"))
    )
    document = status_document(order(invoices=invoice("IN3", 70, sent="2.00", body=boxes)))

    first, second = mapped(document).shipments

    assert (first.key, first.consignment_ref, first.items) == (
        "IN3/D1",
        "D1",
        (SentItem(None, "ABC", 1),),
    )
    assert (second.key, second.tracking_url) == ("IN3/D2", "https://track.dpd.co.uk/parcels/D2")


def test_the_published_sample_maps_to_shipments(khaosws_samples: Path) -> None:
    records = parse_order_status_ex((khaosws_samples / "KSDXMLOrderStatusEx.xml").read_bytes())

    changes = [map_order_status(record, TABLE) for record in records]

    assert [change.status for change in changes] == ["Cancelled", "Cancelled"]
    first = changes[0].shipments[0]
    assert (first.courier, first.consignment_ref) == ("Royal Mail", "ABCD12234")
    assert first.tracking_url.startswith("http://www.royalmailtracking.com/")


def test_the_own_fixture_maps_to_a_dispatch_and_a_cancellation(khaosws_fixtures: Path) -> None:
    records = parse_order_status_ex((khaosws_fixtures / "KSDXMLOrderStatusEx.xml").read_bytes())

    sent, cancelled = (map_order_status(record, TABLE) for record in records)

    assert (sent.status, cancelled.status) == ("Dispatched", "Cancelled")
    assert [s.consignment_ref for s in sent.shipments] == ["JD0002231", "JD0002232"]
    assert sent.shipments[1].tracking_url == "https://track.dpd.co.uk/parcels/JD0002232"
    assert cancelled.shipments == ()


def test_the_same_status_exported_again_has_the_same_fingerprint() -> None:
    first = status_document(order(invoices=invoice("IN1", 12)))
    again = first.replace('MOVED="-1"', 'MOVED="0"')
    moved_on = status_document(order(invoices=invoice("IN1", 14)))

    assert mapped(first).fingerprint() == mapped(again).fingerprint()
    assert mapped(first).fingerprint() != mapped(moved_on).fingerprint()


def test_a_status_without_a_shop_order_number_is_refused() -> None:
    with pytest.raises(StatusMappingError, match="SO9"):
        mapped(status_document(order(ref="", code="SO9")))


def test_part_of_an_item_sent_counts_as_sent() -> None:
    body = items(("CLOTH", "1.50", "41"))
    change = mapped(status_document(order(invoices=invoice("IN1", 70, sent="1.50", body=body))))

    assert change.shipments[0].items == (SentItem("41", "CLOTH", 2),)


@pytest.mark.parametrize(
    ("url", "ref", "link"),
    [
        ("https://track.example/parcel/RM1", "RM1", "https://track.example/parcel/RM1"),
        ("https://track.example/?number=", "RM1", "https://track.example/?number=RM1"),
        ("javascript:alert(1)", "RM1", ""),
        ("", "RM1", ""),
    ],
)
def test_tracking_links_are_web_links_only(url: str, ref: str, link: str) -> None:
    assert tracking_link(url, ref) == link


def test_items_go_to_the_line_named_by_import_ref_then_by_stock_code() -> None:
    lines = [
        LineRef(1, frozenset({"ABC"}), outstanding=2),
        LineRef(2, frozenset({"ABC"}), outstanding=1),
        LineRef(3, frozenset({"XYZ"}), outstanding=1),
    ]
    sent = [SentItem("2", "ABC", 1), SentItem(None, "ABC", 2), SentItem(None, "PACK-CHILD", 4)]

    allocation = allocate(sent, lines)

    assert allocation.quantities == {2: 1, 1: 2}
    assert allocation.unmatched == [SentItem(None, "PACK-CHILD", 4)]


def test_a_line_never_receives_more_than_it_has_outstanding() -> None:
    allocation = allocate([SentItem("1", "ABC", 5)], [LineRef(1, frozenset({"ABC"}), 3)])

    assert allocation.quantities == {1: 3}
    assert allocation.unmatched == [SentItem("1", "ABC", 2)]


def test_the_stage_table_is_configurable_stage_by_stage() -> None:
    table = parse_stage_statuses("status.stage_statuses", {"19": "Processing", "17": ""})

    assert table[19] == "Processing" and 17 not in table and table[12] == "Picking"


def test_a_misspelt_status_stops_the_program_at_start(tmp_path: Path) -> None:
    environ = {
        "KHAOS_SYNC_DATA_DIR": str(tmp_path),
        "KHAOS_SYNC_STATUS_STAGE_STATUSES": "19:Shipped",
    }
    with pytest.raises(ConfigError, match=r"status.stage_statuses.19: 'Shipped'"):
        load(environ)


def test_the_stage_table_can_be_set_in_the_config_file(tmp_path: Path) -> None:
    (tmp_path / "khaos-sync.toml").write_text(
        '[status]\ninterval_minutes = 5\n[status.stage_statuses]\n"18" = "Processing"\n'
    )

    values = load({"KHAOS_SYNC_DATA_DIR": str(tmp_path)}).values["status"]

    assert values["interval_minutes"] == 5
    assert values["stage_statuses"][18] == "Processing"
    assert values["stage_statuses"][Decimal(70)] == "Dispatched"
