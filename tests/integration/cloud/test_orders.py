"""The order pull: ApiVersion always, continuation paging, SpecificIDs, delivery and confirmation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from khaos_sync.cloud.models import CloudDelivery
from khaos_sync.protocol.cloud.orders import read_order_download
from khaos_sync.protocol.cloud.payload import Format
from khaos_sync.sync.customers.models import CustomerBinding
from khaos_sync.sync.orders.models import OrderExport
from tests.integration.orders.support import place_order

from .conftest import KhaosCloud

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "kcc"
FIRST_CONTACT = "2019-12-31 12:00:00Z"


def place(products: list[Any]) -> Any:
    order = place_order([(product, 1) for product in products])
    order.refresh_from_db()
    return order


def pull(kcc: KhaosCloud, continuation: str | None = None, **headers: str) -> tuple[list[str], str]:
    if continuation is not None:
        headers["Sirion-Continuation"] = continuation
    response = kcc.get("/khaos-cloud/orders.json", **headers)
    assert response.status_code == 200
    download = read_order_download(response.content, Format.JSON)
    assert download.api_version == 1000
    return [o.header.associated_ref for o in download.orders], response["Sirion-Continuation"]


def test_no_orders_still_answers_api_version_1000(kcc: KhaosCloud) -> None:
    for ext in ("json", "xml"):
        response = kcc.get(f"/khaos-cloud/orders.{ext}", **{"Sirion-Continuation": FIRST_CONTACT})
        assert response.status_code == 200
        assert read_order_download(response.content, Format(ext.upper())).orders == ()


def test_pages_continuation_and_delivery(
    kcc: KhaosCloud, products: list[Any], cloud_settings: Any
) -> None:
    cloud_settings["cloud"]["page_size"] = 2
    numbers = [place(products).number for _ in range(3)]

    first, token = pull(kcc, FIRST_CONTACT)
    assert first == numbers[:2]
    # The answer was lost: Khaos asks again with the same continuation and gets them again.
    again, token = pull(kcc, FIRST_CONTACT)
    assert again == numbers[:2]
    assert not CloudDelivery.objects.exclude(delivered_at=None).exists()

    second, token2 = pull(kcc, token)
    assert second == numbers[2:]
    delivered = CloudDelivery.objects.exclude(delivered_at=None)
    assert sorted(delivered.values_list("order_number", flat=True)) == sorted(numbers[:2])

    third, token3 = pull(kcc, token2)
    assert third == []
    assert CloudDelivery.objects.exclude(delivered_at=None).count() == 3
    assert pull(kcc, token3)[0] == []


def test_orders_carry_the_order_builder_lines(kcc: KhaosCloud, products: list[Any]) -> None:
    order = place(products)
    response = kcc.get("/khaos-cloud/orders.xml", **{"Sirion-Continuation": FIRST_CONTACT})
    (sales_order,) = read_order_download(response.content, Format.XML).orders
    assert sales_order.header.associated_ref == order.number
    assert sorted(item.stock_code for item in sales_order.items) == ["SOCKS-3", "TEE-OX-M-NAVY"]
    assert {item.import_ref for item in sales_order.items} == {
        str(line.pk) for line in order.lines.all()
    }


def test_specific_ids_answer_exactly_those(kcc: KhaosCloud, products: list[Any]) -> None:
    orders = [place(products) for _ in range(3)]
    _refs, token = pull(kcc, FIRST_CONTACT)
    pull(kcc, token)  # all three delivered
    wanted = f"{orders[2].number}, {orders[0].number}"
    refs, echoed = pull(kcc, token, SpecificIDs=wanted)
    assert sorted(refs) == sorted([orders[0].number, orders[2].number])
    assert echoed == token


def test_a_status_upload_confirms_the_order_and_moves_it(
    kcc: KhaosCloud, products: list[Any]
) -> None:
    order = place(products)
    _refs, token = pull(kcc, FIRST_CONTACT)
    pull(kcc, token)
    lines = {line.partner_sku: line for line in order.lines.all()}
    status = f"""{{"Statuses": [{{"OrderCode": "SO777", "OrderID": "777", "Status": "Complete",
        "AssociatedRef": "{order.number}",
        "Shipments": [{{"ID": "S1", "Code": "INV9", "Status": "Issued",
            "Items": [{{"SKU": "TEE-OX-M-NAVY", "Quantity": 1, "ImportRef": "{lines["TEE-OX-M-NAVY"].pk}"}},
                      {{"SKU": "SOCKS-3", "Quantity": 1, "ImportRef": "{lines["SOCKS-3"].pk}"}}],
            "Packages": [{{"ConsignmentRef": "TRK1", "Courier": {{"Name": "DPD"}},
                           "ShipmentDate": "2026-12-01T10:00:00"}}]}}]}}]}}"""
    assert kcc.push("/khaos-cloud/order-statuses.json", status.encode()).status_code == 200
    export = OrderExport.objects.get(order=order)
    assert (export.state, export.khaos_order_code) == (OrderExport.State.IMPORTED, "SO777")
    assert CloudDelivery.objects.get(order_number=order.number).confirmed_at is not None
    order.refresh_from_db()
    assert order.status == "Dispatched"
    assert order.shipping_events.count() >= 1
    # The same status again changes nothing.
    events = order.shipping_events.count()
    assert kcc.push("/khaos-cloud/order-statuses.json", status.encode()).status_code == 200
    assert order.shipping_events.count() == events


def test_custom_data_is_echoed_back_and_finds_the_order_without_its_ref(
    kcc: KhaosCloud, products: list[Any], django_user_model: Any
) -> None:
    user = django_user_model.objects.create_user("ada", "ada@example.com", "x")
    order = place_order([(product, 1) for product in products], user=user)
    order.refresh_from_db()
    response = kcc.get("/khaos-cloud/orders.json", **{"Sirion-Continuation": FIRST_CONTACT})
    download = read_order_download(response.content, Format.JSON)
    (sales_order,) = download.orders
    # The customer and the order's payments travel with it; CustomData names the shop's order.
    assert sales_order.customer.invoice_address.email == "ada@example.com"
    assert download.custom_data == {order.number: f"order={order.number}"}

    # Khaos's status carries the CustomData back (its associated ref was edited away) and the
    # customer it matched: the order is confirmed and the account linked to that customer.
    status = f"""{{"Statuses": [{{"OrderCode": "SO778", "Status": "Received",
        "URN": "CU4242", "CustomData": "order={order.number}"}}]}}"""
    assert kcc.push("/khaos-cloud/order-statuses.json", status.encode()).status_code == 200
    export = OrderExport.objects.get(order=order)
    assert (export.state, export.khaos_order_code, export.urn) == (
        OrderExport.State.IMPORTED,
        "SO778",
        "CU4242",
    )
    assert CustomerBinding.objects.get(user=user).company_code == "CU4242"
