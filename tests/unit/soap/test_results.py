from __future__ import annotations

from datetime import datetime

import pytest

from khaos_sync.protocol import results
from khaos_sync.protocol.soap import OPERATIONS, decode_response, encode_response

from .samples import sample_value

RECORDS = [
    ("GetStockList", results.StockList),
    ("GetSiteList", results.SiteList),
    ("GetCountryList", results.CountryList),
    ("ExportStockCompressed", results.CompressedResult),
    ("ImportOrders", results.OrderImportResult),
    ("GetCompanyList", results.CompanyList),
]


@pytest.mark.parametrize(("operation", "record"), RECORDS)
def test_records_round_trip_through_the_wire(operation: str, record: type) -> None:
    wire = sample_value(OPERATIONS[operation].result)
    typed = record.from_wire(wire)
    assert typed.to_wire() == wire
    assert (
        record.from_wire(decode_response(operation, encode_response(operation, typed.to_wire())))
        == typed
    )


def test_stock_potential_items() -> None:
    wire = sample_value(OPERATIONS["GetStockPotential"].result)
    items = [results.StockPotential.from_wire(item) for item in wire]
    assert items[0].available == 12.99
    assert [item.to_wire() for item in items] == wire


def test_missing_fields_get_safe_defaults() -> None:
    stock = results.StockList.from_wire({"Count": None, "List": [{"StockCode": "A"}]})
    assert stock.count == 1
    assert stock.entries[0] == results.StockListEntry("A")
    potential = results.StockPotential.from_wire({"StockCode": "A", "Available": 3.0})
    assert (potential.stock_id, potential.on_order) == (None, 0.0)


def test_typed_fields() -> None:
    entry = results.CompanyListEntry.from_wire(
        {"CompanyCode": "C1", "OtherRef": "", "LastUpdated": datetime(2024, 1, 1)}
    )
    assert entry.last_updated == datetime(2024, 1, 1)
