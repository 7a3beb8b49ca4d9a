"""Every published KCC sample is read, in JSON and in XML, into the shared records."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from khaos_sync.mappers.pipeline import STATUS_PROCESSING
from khaos_sync.mappers.products import MappingOptions, map_stock_item
from khaos_sync.mappers.status import DEFAULT_STAGE_STATUSES, map_order_status
from khaos_sync.protocol.cloud.config import Endpoint, read_channel_config
from khaos_sync.protocol.cloud.levels import read_stock_status_upload
from khaos_sync.protocol.cloud.orders import read_order_download
from khaos_sync.protocol.cloud.payload import Format
from khaos_sync.protocol.cloud.price_lists import read_price_list_upload
from khaos_sync.protocol.cloud.returns import read_return_download
from khaos_sync.protocol.cloud.statuses import read_order_status_upload
from khaos_sync.protocol.cloud.stock import read_stock_upload
from khaos_sync.protocol.documents.orders import MappingType, PaymentType
from khaos_sync.protocol.errors import DocumentError


def sample(folder: Path, name: str) -> tuple[bytes, Format]:
    path = folder / name
    return path.read_bytes(), Format.JSON if path.suffix == ".json" else Format.XML


def test_channel_configs(kcc_samples: Path) -> None:
    config = read_channel_config(*sample(kcc_samples, "channel-config.xml"))
    orders = config[Endpoint.ORDER_DOWNLOAD]
    assert orders.url == "http://siriongenerictest.azurewebsites.net/api/Orders"
    assert (orders.format, orders.frequency) == (Format.XML, 15)
    assert config[Endpoint.STOCK_UPLOAD].format is Format.JSON
    assert config.get(Endpoint.PROVIDED_STOCK) is not None
    playground = read_channel_config(*sample(kcc_samples, "channel-config-playground.xml"))
    assert {entry.name for entry in playground.entries} == {
        Endpoint.ORDER_DOWNLOAD,
        Endpoint.ORDER_STATUS_UPLOAD,
        Endpoint.STOCK_UPLOAD,
        Endpoint.STOCK_STATUS_UPLOAD,
        Endpoint.CRETURN_DOWNLOAD,
    }


@pytest.mark.parametrize("name", ["order-download.json", "order-download.xml"])
def test_order_downloads(kcc_samples: Path, name: str) -> None:
    download = read_order_download(*sample(kcc_samples, name))
    assert download.api_version == 1000
    assert download.orders
    for order in download.orders:
        assert order.header.associated_ref
        assert order.items and all(item.stock_code for item in order.items)
        assert order.payments and order.payments[0].payment_type == PaymentType.CARD
        assert order.customer.invoice_address.postcode == "NG31 7FZ"
    assert "Postcode" in download.config.match_address_on


def test_order_download_json_fields(kcc_samples: Path) -> None:
    order = read_order_download(*sample(kcc_samples, "order-download.json")).orders[0]
    item = order.items[0]
    assert (item.stock_code, item.mapping_type) == ("B0714PRW7R", MappingType.STOCK_CODE)
    assert item.price_grs == Decimal("2.1") and item.price_net is None
    assert item.stock_desc is not None and item.stock_desc.startswith("Fun Maze Pen")
    assert order.header.delivery_tax == Decimal("2.50")
    assert order.header.order_currency_code == "GBP"
    assert order.customer.company_code == "Amazo-0118"
    assert order.payments[0].card_type == "Amazon"
    assert order.payments[0].account_name == "Account Name"


def test_order_download_xml_fields(kcc_samples: Path) -> None:
    orders = read_order_download(*sample(kcc_samples, "order-download.xml")).orders
    assert [o.header.associated_ref for o in orders][:2] == [
        "AZ202-1780416-1717150",
        "AZ206-9902383-0316308",
    ]
    assert orders[0].items[1].stock_desc == (
        "Fine Bone China Mug - Black Cat & Bones (comes boxed) (Standard (275ml))"
    )
    assert orders[0].items[0].mapping_type == MappingType.OTHER_REF
    assert orders[-1].payments[0].transaction_id == "112487714881-1688638562001"


@pytest.mark.parametrize("name", ["order-status-upload.json", "order-status-upload.xml"])
def test_order_status_uploads(kcc_samples: Path, name: str) -> None:
    statuses = read_order_status_upload(*sample(kcc_samples, name))
    assert [s.record.associated_ref for s in statuses] == [
        "web_order_1516288492",
        "web_order_1516288490",
    ]
    first = statuses[0].record
    assert first.invoices[0].invoice_code == "INV106"
    assert [item.qty_sold for item in first.invoices[0].items] == [Decimal(2), Decimal(1)]
    assert first.invoices[0].courier == "Metapack 24Hr"
    # The shared status mapper takes them as it takes ExportOrderStatusEx records.
    change = map_order_status(first, DEFAULT_STAGE_STATUSES)
    assert change.status == STATUS_PROCESSING
    assert change.shipments == ()


@pytest.mark.parametrize("name", ["stock-upload.json", "stock-upload.xml"])
def test_stock_uploads(kcc_samples: Path, name: str) -> None:
    upload = read_stock_upload(*sample(kcc_samples, name))
    assert upload.deleted == ()
    (item,) = upload.items
    assert (item.stock_id, item.stock_code) == ("6027", "DRC1.JUSTINWBK115")
    # The sample says ShortDescription where the object table says StockDescription.
    assert item.stock_desc == "Dr Comfort Justin Shoes Wide / Black / 11.01UK"
    assert item.stock_ttype.name == "Footwear" and item.stock_type.id == "14"
    assert (item.web, item.stock_controlled, item.discontinued) == (True, True, False)
    (spec,) = map_stock_item(item, MappingOptions())
    assert spec.sku == "DRC1.JUSTINWBK115"
    assert spec.title == "Dr Comfort Justin Shoes Wide / Black / 11.01UK"
    assert spec.vat_rate == Decimal(20)


@pytest.mark.parametrize("name", ["stock-status-upload.json", "stock-status-upload.xml"])
def test_stock_status_uploads(kcc_samples: Path, name: str) -> None:
    entries = read_stock_status_upload(*sample(kcc_samples, name))
    assert entries and all(entry.stock_id and entry.site for entry in entries)
    if name.endswith(".json"):
        assert [(e.stock_code, e.level) for e in entries] == [
            ("BOO", Decimal(77)),
            ("MUG1", Decimal(110)),
        ]
    else:
        assert len(entries) == 10 and {e.level for e in entries} == {Decimal(0)}


@pytest.mark.parametrize("name", ["price-list-upload.json", "price-list-upload.xml"])
def test_price_list_uploads(kcc_samples: Path, name: str) -> None:
    lists = read_price_list_upload(*sample(kcc_samples, name))
    assert [(p.price_list_id, p.net, len(p.prices)) for p in lists] == [
        ("41", False, 6),
        ("43", True, 2),
    ]
    breaks = [
        (p.qty_start, p.qty_end, p.price_value) for p in lists[0].prices if p.stock_id == "3839"
    ]
    assert (Decimal(1), Decimal(4), Decimal("134.25")) in breaks


def test_customer_return_download_json(kcc_samples: Path) -> None:
    (returned,) = read_return_download(*sample(kcc_samples, "customer-return-download.json"))
    assert returned.associated_ref == "AREF021242"
    assert returned.returned[0].source_order_code == "SO2075"


def test_malformed_customer_return_sample_is_refused_with_the_reason(kcc_samples: Path) -> None:
    with pytest.raises(DocumentError) as error:
        read_return_download(*sample(kcc_samples, "customer-return-download.xml"))
    message = str(error.value)
    assert "not well-formed XML" in message
    assert "ReturnedItems" in message and "ReturednItems" in message
