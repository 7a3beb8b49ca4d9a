"""After import: stages, part shipments, cancellation, and the status feeds that report them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from khaos_sync.protocol.client import KhaosClient
from khaos_sync.protocol.documents.orders import parse_orders
from khaos_sync.protocol.xmlsafe import parse_document
from khaos_sync.simulator import ControlError, RunningSimulator

from .support import order_document, sellable_item


def place(sim: RunningSimulator, client: KhaosClient, ref: str, qty: int = 3) -> str:
    item = sellable_item(sim)
    result = client.import_orders(orders=order_document(ref, [(item.code, qty, "5.00")]))
    assert result.imported_count == 1, result.skipped
    return item.code


def status_of(client: KhaosClient, ref: str) -> Any:
    document = client.export_order_status_ex(
        ids=ref, mapping_type=4, include_tracking=True, include_cancelled=True, show_items=True
    )
    statuses = parse_document(document).findall("ORDER_STATUS")
    assert len(statuses) == 1
    return statuses[0]


def test_a_new_order_is_staged(sim: RunningSimulator, client: KhaosClient) -> None:
    place(sim, client, "ST1")

    order = status_of(client, "ST1")
    (invoice,) = order.iter("INVOICE")

    assert invoice.get("INVOICE_STAGE_ID") == "10"
    assert order.findtext("COMPLETE") == "0"
    assert 'REF="ST1"' in client.export_order_status()


def test_stages_move_and_moved_is_cleared_by_the_export(
    sim: RunningSimulator, client: KhaosClient
) -> None:
    place(sim, client, "ST2")
    status_of(client, "ST2")

    unchanged = status_of(client, "ST2")
    sim.control.set_stage("ST2", 12)
    picking = status_of(client, "ST2")

    assert next(unchanged.iter("INVOICE")).get("MOVED") == "0"
    invoice = next(picking.iter("INVOICE"))
    assert (invoice.get("INVOICE_STAGE_ID"), invoice.get("MOVED")) == ("12", "-1")
    with pytest.raises(ControlError):
        sim.control.set_stage("ST2", 99)


def test_part_shipment_then_the_rest(sim: RunningSimulator, client: KhaosClient) -> None:
    code = place(sim, client, "SH1", qty=3)

    sim.control.ship("SH1", {code: 1}, consignment_ref="RM111", courier="RM48")
    part = status_of(client, "SH1")
    sim.control.ship("SH1", consignment_ref="DPD222", courier="DPD")
    whole = status_of(client, "SH1")

    open_invoice, shipped = part.iter("INVOICE")
    assert open_invoice.get("INVOICE_STAGE_ID") == "10" and open_invoice.get("QTY_SOLD") == "2.00"
    assert shipped.get("INVOICE_STAGE_ID") == "70" and shipped.get("QTY_SENT") == "1.00"
    assert shipped.get("CONSIGNMENT_REF") == "RM111" and "RM111" in shipped.get("TRACKING_URL")
    assert shipped.find("BOX/BOX_ITEM").get("STOCK_CODE") == code
    assert part.findtext("COMPLETE") == "0"
    assert whole.findtext("COMPLETE") == "-1"
    stages = [i.get("INVOICE_STAGE_ID") for i in whole.iter("INVOICE")]
    assert stages == ["70", "70"]
    assert "track.dpd.co.uk" in client.export_order_status_ex(
        ids="SH1", mapping_type=4, include_tracking=True
    )
    assert "DPD222" not in client.export_order_status_ex(
        ids="SH1", mapping_type=4, include_tracking=False
    )


def test_cancellation_returns_unsent_stock(sim: RunningSimulator, client: KhaosClient) -> None:
    code = place(sim, client, "CX1", qty=3)
    sim.control.ship("CX1", {code: 1}, consignment_ref="RM1")
    level = sim.control.levels(code)[1]

    sim.control.cancel("CX1", reason="Customer changed their mind", user="jane")

    assert sim.control.levels(code)[1] == level + 2
    order = status_of(client, "CX1")
    assert order.findtext("CANCELLED/REASON") == "Customer changed their mind"
    assert order.findtext("CANCELLED/USER_NAME") == "jane"
    hidden = client.export_order_status_ex(ids="CX1", mapping_type=4, include_cancelled=False)
    assert "CX1" not in hidden
    with pytest.raises(ControlError):
        sim.control.ship("CX1", consignment_ref="late")


def test_status_by_date_range_and_other_keys(sim: RunningSimulator, client: KhaosClient) -> None:
    place(sim, client, "DR1")
    order = sim.control.order("DR1")
    now = sim.store.now()

    by_range = client.export_order_status_ex(
        date_from=now - timedelta(hours=1), date_to=now + timedelta(hours=1)
    )
    by_code = client.export_order_status_ex(ids=order["code"], mapping_type=3)
    by_urn = client.export_order_status_ex(ids=order["company_code"], mapping_type=1)
    by_stage = client.export_order_status_ex(
        date_from=now - timedelta(hours=1), invoice_stage_ids="14"
    )

    for document in (by_range, by_code, by_urn):
        assert 'ASSOCIATED_REF="DR1"' in document
    assert "DR1" not in by_stage


def test_issued_orders_leave_the_plain_status_feed_after_48_hours(
    sim: RunningSimulator, client: KhaosClient
) -> None:
    place(sim, client, "OLD1")
    sim.control.ship("OLD1", consignment_ref="RM9")
    assert 'REF="OLD1"' in client.export_order_status()

    sim.control.advance_clock(hours=49)

    assert 'REF="OLD1"' not in client.export_order_status()


def test_export_orders_gives_back_the_import_format(
    sim: RunningSimulator, client: KhaosClient
) -> None:
    code = place(sim, client, "EX1", qty=2)

    (order,) = parse_orders(client.export_orders(order_code="EX1", mapping_type=2))

    assert order.header.associated_ref == "EX1"
    assert order.items[0].stock_code == code and order.items[0].order_qty == 2
    assert order.customer.company_code == sim.control.order("EX1")["company_code"]
