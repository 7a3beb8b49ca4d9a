"""ExportStockStatus documents."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from khaos_sync.protocol.documents.stock_status import (
    StockStatusCode,
    iter_stock_status,
    parse_stock_status,
)


def test_sample(khaosws_samples: Path) -> None:
    path = khaosws_samples / "KSDXMLStockStatus.xml"
    first, second = parse_stock_status(path.read_bytes())
    assert first.site == "Main Site"
    assert (first.stock_code, first.stock_id, first.other_ref) == ("BM101901", "A3567", None)
    assert first.description == "Black T-Shirt Size L"
    assert first.level == Decimal("53")
    assert first.status == StockStatusCode.IN_STOCK
    assert first.lead_time == date(2009, 8, 27)
    assert (first.safe_level, first.min_level) == (Decimal("1"), Decimal("1"))
    assert (first.buy_price, first.sell_price, first.web_sell_price) == (
        Decimal("99.00"),
        Decimal("100.00"),
        Decimal("100.00"),
    )
    assert first.build_potential_children == Decimal("123")
    assert first.build_potential_parents == Decimal("123")
    assert second.other_ref == "ABCSTOCK"
    assert second.level == Decimal("0") and second.status == StockStatusCode.ALL_ALLOCATED
    assert (second.min_level, second.safe_level) == (Decimal("12"), Decimal("20"))
    assert second.build_potential_children is None
    assert list(iter_stock_status(path)) == [first, second]


def test_all_sites_gives_one_entry_per_item_per_site() -> None:
    # SiteID -1: each entry names its own site; the root's site is the fallback.
    document = b"""<STOCK_STATUS SITE="Main Site">
      <STOCK_ITEM CODE="A" ID="1" SITE="Main Site"><LEVEL>5</LEVEL><STATUS>0</STATUS></STOCK_ITEM>
      <STOCK_ITEM CODE="A" ID="1" SITE="Shop Floor"><LEVEL>2.5</LEVEL><STATUS>0</STATUS></STOCK_ITEM>
      <STOCK_ITEM CODE="B" ID="2"><SITE>Warehouse 2</SITE><LEVEL>0</LEVEL><STATUS>5</STATUS></STOCK_ITEM>
      <STOCK_ITEM CODE="C" ID="3"><LEVEL>-1</LEVEL><STATUS>4</STATUS></STOCK_ITEM>
    </STOCK_STATUS>"""
    entries = parse_stock_status(document)
    assert [(e.stock_code, e.site, e.level) for e in entries] == [
        ("A", "Main Site", Decimal("5")),
        ("A", "Shop Floor", Decimal("2.5")),
        ("B", "Warehouse 2", Decimal("0")),
        ("C", "Main Site", Decimal("-1")),
    ]
    assert entries[2].status == StockStatusCode.NOT_STOCK_CONTROLLED
    assert list(iter_stock_status(document)) == entries


def test_lead_time_null_date_is_none() -> None:
    (entry,) = parse_stock_status(
        '<STOCK_STATUS SITE="S"><STOCK_ITEM CODE="A"><LEAD_TIME>1899-12-30</LEAD_TIME>'
        "</STOCK_ITEM></STOCK_STATUS>"
    )
    assert entry.lead_time is None


def test_own_fixture(khaosws_fixtures: Path) -> None:
    path = khaosws_fixtures / "KSDXMLStockStatus.xml"
    flask, mug = parse_stock_status(path.read_bytes())
    assert (flask.site, flask.stock_code, flask.stock_id) == (
        "Harbour Warehouse",
        "FLASK-750",
        "30117",
    )
    assert flask.level == Decimal("31") and flask.status == StockStatusCode.IN_STOCK
    assert flask.lead_time == date(2026, 2, 16)
    assert (flask.buy_price, flask.web_sell_price) == (Decimal("7.40"), Decimal("17.95"))
    assert flask.build_potential_parents == Decimal("2")
    assert (mug.other_ref, mug.level, mug.status) == (
        "MUG-WEB",
        Decimal("0"),
        StockStatusCode.ALL_ALLOCATED,
    )
    assert mug.build_potential_children is None
    assert list(iter_stock_status(path)) == [flask, mug]
