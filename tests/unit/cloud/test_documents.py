"""KCC documents of our own: SCS families, packs, potentials, shipments, round trips, errors."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from khaos_sync.mappers.pipeline import STATUS_CANCELLED, STATUS_PART_DISPATCHED
from khaos_sync.mappers.products import CHILD, PARENT, MappingOptions, map_stock_item
from khaos_sync.mappers.status import DEFAULT_STAGE_STATUSES, map_order_status
from khaos_sync.protocol.cloud.config import (
    Endpoint,
    EndpointEntry,
    read_channel_config,
    write_channel_config,
)
from khaos_sync.protocol.cloud.levels import read_stock_status_upload, write_stock_status_upload
from khaos_sync.protocol.cloud.orders import read_order_download, write_order_download
from khaos_sync.protocol.cloud.payload import Format
from khaos_sync.protocol.cloud.price_lists import (
    PriceList,
    StockPrice,
    read_price_list_upload,
    write_price_list_upload,
)
from khaos_sync.protocol.cloud.returns import read_return_download, write_return_download
from khaos_sync.protocol.cloud.statuses import (
    read_order_status_upload,
    read_order_statuses,
    write_order_status_upload,
)
from khaos_sync.protocol.cloud.stock import read_stock_upload, write_stock_upload
from khaos_sync.protocol.documents.orders import (
    Address,
    Customer,
    MappingType,
    OrderHeader,
    OrderItem,
    Payment,
    PaymentType,
    SalesOrder,
)
from khaos_sync.protocol.documents.stock import LinkType
from khaos_sync.protocol.errors import DocumentError, UnsafeDocumentError

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "kcc"
BOTH = [Format.JSON, Format.XML]


def fixture(name: str) -> tuple[bytes, Format]:
    path = FIXTURES / name
    return path.read_bytes(), Format.JSON if path.suffix == ".json" else Format.XML


# --- stock upload ---------------------------------------------------------------------


@pytest.mark.parametrize("name", ["stock-upload-scs.json", "stock-upload-scs.xml"])
def test_scs_children_are_put_back_inside_their_parent(name: str) -> None:
    upload = read_stock_upload(*fixture(name))
    assert [item.stock_code for item in upload.items] == ["TEE-OX", "SOCKS-3", "GIFT-SET"]
    assert upload.deleted == ("8001", "8002")
    assert upload.orphans == () and upload.unresolved_links == ()
    tee = upload.items[0]
    assert tee.scs is not None
    assert [h.name for h in tee.scs.headings] == ["Size", "Colour"]
    assert [c.options for c in tee.scs.children] == [
        (("Size", "M"), ("Colour", "Navy")),
        (("Size", "L"), ("Colour", "Navy")),
    ]
    specs = list(map_stock_item(tee, MappingOptions()))
    assert [(s.sku, s.structure) for s in specs] == [
        ("TEE-OX", PARENT),
        ("TEE-OX-M-NAVY", CHILD),
        ("TEE-OX-L-NAVY", CHILD),
    ]
    assert specs[1].title == "Oxford tee M navy"  # ShortDescription accepted too
    assert specs[0].recommendations == (("SOCKS-3", int(LinkType.CROSS_SELL)),)
    assert specs[0].barcodes == ("5012345678900",)
    assert specs[0].price_incl_tax == Decimal("18.50")


@pytest.mark.parametrize("name", ["stock-upload-scs.json", "stock-upload-scs.xml"])
def test_packs_and_tax_bands(name: str) -> None:
    items = {i.stock_code: i for i in read_stock_upload(*fixture(name)).items}
    (pack,) = map_stock_item(items["GIFT-SET"], MappingOptions())
    assert pack.pack_components == (("TEE-OX-M-NAVY", Decimal(1)), ("SOCKS-3", Decimal(2)))
    (socks,) = map_stock_item(items["SOCKS-3"], MappingOptions())
    # Zero-rated and sent net: the gross price is the net price.
    assert (socks.vat_rate, socks.price_incl_tax) == (Decimal(0), Decimal("5.00"))


def test_children_without_their_parent_are_returned_apart() -> None:
    data = b"""{"Items": [{"StockID": "9002", "StockCode": "TEE-OX-M-NAVY",
        "StockRelationships": {"SCSChild": {"ParentStockID": "9001", "SCSValues": ["M", "Navy"]}}}],
        "Deleted": []}"""
    upload = read_stock_upload(data, Format.JSON)
    assert upload.items == ()
    (orphan,) = upload.orphans
    assert orphan.parent_stock_id == "9001"
    assert orphan.child.item.stock_code == "TEE-OX-M-NAVY"


def test_links_to_items_outside_the_upload_are_resolved_by_the_caller() -> None:
    data = b"""{"Items": [{"StockID": "1", "StockCode": "A", "StockRelationships":
        {"Linked": [{"LinkedStockID": "2", "LinkType": "UpSell"},
                    {"LinkedStockID": "3", "LinkType": "Associated"}]}}]}"""
    upload = read_stock_upload(data, Format.JSON, code_for_id={"2": "B"}.get)
    assert [(link.stock_code, link.link_type) for link in upload.items[0].linked_items] == [
        ("B", LinkType.UPSELL)
    ]
    assert upload.unresolved_links == ("3",)


@pytest.mark.parametrize("fmt", BOTH)
def test_stock_upload_round_trip(fmt: Format) -> None:
    original = read_stock_upload(*fixture("stock-upload-scs.json"))
    written = write_stock_upload(original.items, fmt, deleted=original.deleted)
    assert read_stock_upload(written, fmt) == original


# --- stock status upload --------------------------------------------------------------


def test_available_level_first_else_what_the_children_make() -> None:
    entries = read_stock_status_upload(*fixture("stock-status-potential.json"))
    assert [(e.stock_code, e.level) for e in entries] == [
        ("TEE-OX-M-NAVY", Decimal(12)),
        ("GIFT-SET", Decimal(3)),
        ("SOCKS-3", Decimal(0)),  # Available is there, even though it is 0
    ]
    assert entries[0].site == "1"


def test_json_numbers_in_exponent_form_are_read() -> None:
    data = b'{"Statuses": [{"StockID": "1", "SiteID": 1, "Levels": {"Available": 1.2E+2}}]}'
    (entry,) = read_stock_status_upload(data, Format.JSON)
    assert entry.level == Decimal(120)


def test_more_than_a_hundred_levels_are_refused() -> None:
    entry = '{"StockID": "1", "SiteID": 1, "Levels": {"Available": 1}}'
    data = '{"Statuses": [' + ",".join([entry] * 101) + "]}"
    with pytest.raises(DocumentError, match="at most 100 entries, this one 101"):
        read_stock_status_upload(data, Format.JSON)


@pytest.mark.parametrize("fmt", BOTH)
def test_stock_status_round_trip(fmt: Format) -> None:
    entries = read_stock_status_upload(*fixture("stock-status-potential.json"))
    assert read_stock_status_upload(write_stock_status_upload(entries, fmt), fmt) == entries


# --- order status upload --------------------------------------------------------------


def test_shipments_become_invoices_the_status_mapper_reads() -> None:
    first, cancelled = read_order_statuses(*fixture("order-status-shipped.xml"))
    change = map_order_status(first, DEFAULT_STAGE_STATUSES)
    assert change.status == STATUS_PART_DISPATCHED
    (shipment,) = change.shipments
    assert shipment.invoice_code == "INV5001"
    assert (shipment.courier, shipment.consignment_ref) == ("Royal Mail 24", "JD0002211")
    assert shipment.shipped_on == date(2026, 11, 30)
    assert [(i.import_ref, i.stock_code, i.quantity) for i in shipment.items] == [
        ("311", "TEE-OX-M-NAVY", 2)
    ]
    assert map_order_status(cancelled, DEFAULT_STAGE_STATUSES).status == STATUS_CANCELLED


def test_custom_data_is_kept() -> None:
    statuses = read_order_status_upload(*fixture("order-status-shipped.xml"))
    assert statuses[0].custom_data == "basket=77"
    assert statuses[0].order_id == "10001"


@pytest.mark.parametrize("fmt", BOTH)
def test_order_status_round_trip(fmt: Format) -> None:
    statuses = read_order_status_upload(*fixture("order-status-shipped.xml"))
    again = read_order_status_upload(write_order_status_upload(statuses, fmt), fmt)
    assert [s.record for s in again] == [s.record for s in statuses]
    assert [s.custom_data for s in again] == ["basket=77", None]


def test_unknown_shipment_status_is_named() -> None:
    data = (
        b'{"Statuses": [{"AssociatedRef": "1", "Shipments": [{"Code": "I1", "Status": "Lost"}]}]}'
    )
    with pytest.raises(DocumentError, match=r"Statuses\[0\].Shipments\[0\].Status: 'Lost'"):
        read_order_status_upload(data, Format.JSON)


# --- order download -------------------------------------------------------------------


def shop_order(ref: str = "100042") -> SalesOrder:
    return SalesOrder(
        customer=Customer(
            invoice_address=Address(
                address1="12 Mill Lane",
                address2="Flat 3",
                town="Leeds",
                county="West Yorkshire",
                postcode="LS1 4AB",
                country_code="GB",
                title="Ms",
                forename="Ada",
                surname="Byron",
                tel="0113 496 0000",
                email="ada@example.org",
            ),
            delivery_address=Address(
                address1="The Old Forge",
                town="Otley",
                postcode="LS21 1AA",
                country_code="GB",
                forename="Ada",
                surname="Byron",
            ),
            is_new_customer=True,
            company_class="Web",
            web_user="ada@example.org",
        ),
        header=OrderHeader(
            associated_ref=ref,
            order_date=datetime(2026, 12, 1, 14, 30, 5),
            order_currency_code="GBP",
            site="1",
            delivery_grs=Decimal("4.95"),
            order_amount=Decimal("46.95"),
            courier_code="RM24",
            order_note="Leave with neighbour",
        ),
        items=(
            OrderItem(
                stock_code="TEE-OX-M-NAVY",
                mapping_type=MappingType.STOCK_CODE,
                stock_desc="Oxford tee M navy & co",
                extended_desc="Gift wrap\nNo receipt",
                order_qty=Decimal(2),
                price_grs=Decimal("18.50"),
                import_ref="311",
            ),
            OrderItem(
                stock_code="SOCKS-3",
                mapping_type=MappingType.STOCK_CODE,
                order_qty=Decimal(1),
                price_net=Decimal("5.00"),
                tax_rate=2,
                import_ref="312",
            ),
        ),
        payments=(
            Payment(
                amount=Decimal("46.95"),
                payment_type=PaymentType.CARD,
                card_type="Visa",
                auth_code="A1B2",
                transaction_id="pi_3Nx",
                preauth=False,
            ),
        ),
    )


@pytest.mark.parametrize("fmt", BOTH)
def test_order_download_round_trip(fmt: Format) -> None:
    orders = [shop_order("100042"), replace(shop_order("100043"), payments=())]
    download = read_order_download(write_order_download(orders, fmt), fmt)
    assert download.api_version == 1000
    assert list(download.orders) == orders


@pytest.mark.parametrize("fmt", BOTH)
def test_an_empty_order_download_still_says_api_version_1000(fmt: Format) -> None:
    data = write_order_download([], fmt)
    assert (
        b'"ApiVersion": 1000' if fmt is Format.JSON else b"<ApiVersion>1000</ApiVersion>"
    ) in data
    assert read_order_download(data, fmt).orders == ()


def test_no_nulls_are_written() -> None:
    data = write_order_download([shop_order()], Format.JSON)
    assert b"null" not in data


def test_unknown_mapping_is_named() -> None:
    with pytest.raises(DocumentError, match=r"Orders\[0\].Items\[0\].Mapping: 'Sideways'"):
        read_order_download(*fixture("order-download-bad.json"))


# --- the others -----------------------------------------------------------------------


@pytest.mark.parametrize("fmt", BOTH)
def test_channel_config_round_trip(fmt: Format) -> None:
    entries = (
        EndpointEntry(Endpoint.ORDER_DOWNLOAD, "https://shop.example/o.json", Format.JSON, 15),
        EndpointEntry(Endpoint.STOCK_UPLOAD, "https://shop.example/s.xml", Format.XML),
        EndpointEntry(Endpoint.STOCK_STATUS_UPLOAD, "https://shop.example/l.json", Format.JSON),
    )
    assert read_channel_config(write_channel_config(entries, fmt), fmt).entries == entries


def test_a_channel_config_without_required_entries_is_refused() -> None:
    with pytest.raises(DocumentError, match="no StockUpload, StockStatusUpload"):
        read_channel_config(
            b'{"OrderDownload": {"URL": "https://x/o", "Format": "JSON", "Frequency": 5}}',
            Format.JSON,
        )


@pytest.mark.parametrize("fmt", BOTH)
def test_price_list_round_trip(fmt: Format) -> None:
    price = StockPrice(
        stock_id="9100",
        stock_code="SOCKS-3",
        stock_desc="Socks",
        qty_start=Decimal(1),
        qty_end=Decimal(9),
        price_value=Decimal("4.5"),
        price_type=1,
        buy_price=None,
        sell_price=None,
    )
    lists = [PriceList("7", "Trade", "2", True, (price,))]
    assert read_price_list_upload(write_price_list_upload(lists, fmt), fmt) == lists


@pytest.mark.parametrize("fmt", BOTH)
def test_the_empty_return_list_is_correctly_formed(fmt: Format) -> None:
    assert read_return_download(write_return_download(fmt), fmt) == []


@pytest.mark.parametrize(
    ("data", "fmt", "reason"),
    [
        (b"{not json", Format.JSON, "payload is not valid JSON"),
        (b"[1, 2]", Format.JSON, "payload is JSON list, not an object"),
        (b'{"Statuses": [{"StockID": "1", "Levels": {"Available": NaN}}]}', Format.JSON, "NaN"),
        (
            b'{"Statuses": [{"StockID": "1", "Levels": {"Available": "lots"}}]}',
            Format.JSON,
            "'lots' is not a decimal",
        ),
        (b'{"Statuses": "x"}', Format.JSON, "expected an object, got a JSON string"),
        (b"<StockStatuses><Statuses>", Format.XML, "not well-formed XML"),
        (
            b"<Other/>",
            Format.XML,
            "expected an XML document with root <StockStatuses>, got <Other>",
        ),
        (
            b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><StockStatuses/>',
            Format.XML,
            "declares a DTD",
        ),
        (b'{"Other": []}', Format.JSON, "a stock status upload has no Statuses"),
    ],
)
def test_unreadable_payloads_get_a_specific_reason(data: bytes, fmt: Format, reason: str) -> None:
    with pytest.raises(DocumentError) as error:
        read_stock_status_upload(data, fmt)
    assert reason in str(error.value)


def test_size_limit() -> None:
    with pytest.raises(UnsafeDocumentError, match="larger than the 100 bytes allowed"):
        read_stock_status_upload(b'{"Statuses": []}' + b" " * 100, Format.JSON, max_bytes=100)
