"""The channel endpoints as Khaos Control Cloud calls them, on the real shop and database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from oscar.core.loading import get_model

from khaos_sync.cloud.models import CloudPriceList, CloudPush
from khaos_sync.protocol.cloud.config import Endpoint, read_channel_config
from khaos_sync.protocol.cloud.payload import Format
from khaos_sync.protocol.cloud.returns import read_return_download
from khaos_sync.sync.catalogue.models import ProductBinding
from khaos_sync.sync.core.models import FailedItem

from .conftest import PASSWORD, USERNAME, KhaosCloud, basic

Product = get_model("catalogue", "Product")
StockRecord = get_model("partner", "StockRecord")
FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "kcc"


def catalogue_state() -> list[tuple[Any, ...]]:
    return list(
        Product.objects.order_by("pk").values_list(
            "pk", "title", "structure", "is_public", "khaos_deleted", "parent_id"
        )
    ) + list(ProductBinding.objects.order_by("pk").values_list("stock_id", "synced_hash"))


# --- authentication ------------------------------------------------------------------


@pytest.mark.parametrize(
    "authorization",
    [None, basic(USERNAME, "wrong"), basic("someone", PASSWORD), "Bearer x", "Basic !!!"],
)
def test_every_endpoint_needs_the_channel_credentials(
    cloud_settings: Any, db: None, authorization: str | None, caplog: Any
) -> None:
    client = Client(**({} if authorization is None else {"HTTP_AUTHORIZATION": authorization}))
    for path in ("/khaos-cloud/channel-config.json", "/khaos-cloud/orders.xml"):
        response = client.get(path)
        assert response.status_code == 401
        assert response["WWW-Authenticate"].startswith("Basic")
    response = client.post("/khaos-cloud/stock.json", data=b"{}", content_type="application/json")
    assert response.status_code == 401
    assert "wrong or missing credentials" in caplog.text
    assert PASSWORD not in caplog.text
    assert not CloudPush.objects.exists()


def test_channel_is_off_with_the_soap_transport(db: None) -> None:
    client = Client(HTTP_AUTHORIZATION=basic(USERNAME, PASSWORD))
    assert client.get("/khaos-cloud/channel-config.json").status_code == 404


# --- the channel configuration --------------------------------------------------------


@pytest.mark.parametrize("ext", ["json", "xml"])
def test_channel_config_lists_every_endpoint(kcc: KhaosCloud, ext: str) -> None:
    response = kcc.get(f"/khaos-cloud/channel-config.{ext}")
    assert response.status_code == 200
    config = read_channel_config(response.content, Format(ext.upper()))
    names = {entry.name for entry in config.entries}
    assert names >= {
        Endpoint.ORDER_DOWNLOAD,
        Endpoint.ORDER_STATUS_UPLOAD,
        Endpoint.STOCK_UPLOAD,
        Endpoint.STOCK_STATUS_UPLOAD,
        Endpoint.PRICE_LIST_UPLOAD,
        Endpoint.CRETURN_DOWNLOAD,
    }
    orders = config[Endpoint.ORDER_DOWNLOAD]
    assert orders.url == "http://testserver/khaos-cloud/orders.json"
    assert (orders.format, orders.frequency) == (Format.JSON, 15)
    assert config[Endpoint.STOCK_UPLOAD].frequency is None


# --- the published samples -----------------------------------------------------------

PUSHES = [
    ("stock-upload.json", "stock.json"),
    ("stock-upload.xml", "stock.xml"),
    ("stock-status-upload.json", "stock-statuses.json"),
    ("stock-status-upload.xml", "stock-statuses.xml"),
    ("order-status-upload.json", "order-statuses.json"),
    ("order-status-upload.xml", "order-statuses.xml"),
    ("price-list-upload.json", "price-lists.json"),
    ("price-list-upload.xml", "price-lists.xml"),
]


@pytest.mark.parametrize(("sample", "endpoint"), PUSHES)
def test_published_push_samples_are_accepted(
    kcc: KhaosCloud, kcc_samples: Path, sample: str, endpoint: str
) -> None:
    response = kcc.push(f"/khaos-cloud/{endpoint}", (kcc_samples / sample).read_bytes())
    assert response.status_code == 200, response.content
    push = CloudPush.objects.get()
    assert push.state == CloudPush.State.APPLIED, push.reason


def test_the_published_stock_sample_becomes_a_product(kcc: KhaosCloud, kcc_samples: Path) -> None:
    kcc.push("/khaos-cloud/stock.json", (kcc_samples / "stock-upload.json").read_bytes())
    binding = ProductBinding.objects.select_related("product").get(stock_id="6027")
    assert binding.stock_code == "DRC1.JUSTINWBK115"
    assert binding.product.title == "Dr Comfort Justin Shoes Wide / Black / 11.01UK"


def test_price_lists_are_stored(kcc: KhaosCloud, kcc_samples: Path) -> None:
    kcc.push("/khaos-cloud/price-lists.xml", (kcc_samples / "price-list-upload.xml").read_bytes())
    lists = {p.price_list_id: p for p in CloudPriceList.objects.all()}
    assert set(lists) == {"41", "43"}
    assert lists["43"].net is True and len(lists["41"].prices) == 6


def test_the_malformed_published_sample_gets_a_400_with_its_reason_and_is_kept(
    kcc: KhaosCloud, kcc_samples: Path
) -> None:
    body = (kcc_samples / "customer-return-download.xml").read_bytes()
    response = kcc.push("/khaos-cloud/stock.xml", body)
    assert response.status_code == 400
    reason = response.content.decode()
    assert "not well-formed XML" in reason and "ReturednItems" in reason
    assert reason.count("\n") == 1  # one line
    push = CloudPush.objects.get()
    assert (push.state, bytes(push.payload)) == (CloudPush.State.REJECTED, body)
    failure = FailedItem.objects.get(flow="cloud")
    assert failure.key == push.key and "ReturednItems" in failure.error
    # Sent again, it is refused again with the same reason, and nothing piles up.
    assert kcc.push("/khaos-cloud/stock.xml", body).content.decode() == reason
    assert CloudPush.objects.get().times_received == 2


@pytest.mark.parametrize("ext", ["json", "xml"])
def test_returns_answer_an_empty_well_formed_list(kcc: KhaosCloud, ext: str) -> None:
    response = kcc.get(f"/khaos-cloud/returns.{ext}")
    assert response.status_code == 200
    assert read_return_download(response.content, Format(ext.upper())) == []


def test_oversized_push_gets_413(kcc: KhaosCloud, cloud_settings: Any) -> None:
    cloud_settings["cloud"]["max_payload_bytes"] = 1024
    response = kcc.push("/khaos-cloud/stock.json", b'{"Items": []}' + b" " * 2000)
    assert response.status_code == 413
    assert not CloudPush.objects.exists()


# --- the catalogue -------------------------------------------------------------------


def test_the_same_stock_upload_twice_leaves_the_same_catalogue(kcc: KhaosCloud) -> None:
    body = (FIXTURES / "stock-upload-scs.json").read_bytes()
    assert kcc.push("/khaos-cloud/stock.json", body).status_code == 200
    before = catalogue_state()
    assert kcc.push("/khaos-cloud/stock.json", body).status_code == 200
    assert catalogue_state() == before
    assert CloudPush.objects.get().times_received == 2
    # The same items in the other format are applied again and change nothing either.
    assert (
        kcc.push(
            "/khaos-cloud/stock.xml", (FIXTURES / "stock-upload-scs.xml").read_bytes()
        ).status_code
        == 200
    )
    assert catalogue_state() == before


def test_scs_families_are_built_whole_and_deleted_ids_hide_products(kcc: KhaosCloud) -> None:
    kcc.push("/khaos-cloud/stock.json", (FIXTURES / "stock-upload-scs.json").read_bytes())
    parent = ProductBinding.objects.get(stock_id="9001").product
    assert parent.structure == "parent"
    assert parent.children.count() == 2
    variants = ProductBinding.objects.filter(parent_stock_id="9001")
    assert sorted(variants.values_list("stock_code", flat=True)) == [
        "TEE-OX-L-NAVY",
        "TEE-OX-M-NAVY",
    ]
    socks = ProductBinding.objects.get(stock_id="9100").product
    socks.published = socks.is_public = True  # a person published it
    socks.save()
    kcc.push("/khaos-cloud/stock.json", b'{"Items": [], "Deleted": ["9100"]}')
    socks.refresh_from_db()
    assert (socks.is_public, socks.khaos_deleted) == (False, True)
    # Pushed again by Khaos (undeleted), it comes back.
    item = b'{"Items": [{"StockID": "9100", "StockCode": "SOCKS-3", "StockDescription": "Socks, three pairs", "SellPrice": {"Net": 5.0}, "TaxRate": {"ID": "2"}, "Options": {"PublishOnWeb": true, "StockControlled": true}}]}'
    kcc.push("/khaos-cloud/stock.json", item)
    socks.refresh_from_db()
    assert (socks.is_public, socks.khaos_deleted) == (True, False)


def test_a_family_split_over_two_batches(kcc: KhaosCloud) -> None:
    parent = b'{"Items": [{"StockID": "7001", "StockCode": "MUG", "StockDescription": "Mug", "SellPrice": {"Gross": 8}, "StockRelationships": {"SCSParent": {"Headings": ["Colour"]}}}]}'
    child = b'{"Items": [{"StockID": "7002", "StockCode": "MUG-RED", "StockDescription": "Mug red", "SellPrice": {"Gross": 8}, "StockRelationships": {"SCSChild": {"ParentStockID": "7001", "SCSValues": ["Red"]}}}]}'
    assert kcc.push("/khaos-cloud/stock.json", parent).status_code == 200
    assert not ProductBinding.objects.filter(stock_id="7001").exists()  # waits for a variant
    assert kcc.push("/khaos-cloud/stock.json", child).status_code == 200
    binding = ProductBinding.objects.select_related("product").get(stock_id="7001")
    assert binding.product.structure == "parent"
    child_binding = ProductBinding.objects.select_related("product").get(stock_id="7002")
    assert child_binding.product.parent_id == binding.product.pk


def test_levels_reach_the_stock_records(kcc: KhaosCloud) -> None:
    kcc.push("/khaos-cloud/stock.json", (FIXTURES / "stock-upload-scs.json").read_bytes())
    kcc.push(
        "/khaos-cloud/stock-statuses.json", (FIXTURES / "stock-status-potential.json").read_bytes()
    )
    push = CloudPush.objects.get(endpoint="StockStatusUpload")
    assert push.state == CloudPush.State.APPLIED, push.reason
    variant = ProductBinding.objects.get(stock_id="9002").product
    record = StockRecord.objects.get(product=variant)
    assert record.num_in_stock == 12
