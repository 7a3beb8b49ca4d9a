"""ExportStockStatus documents."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from khaos_sync.protocol.documents.stock_status import (
    ItemEntries,
    StockStatusCode,
    iter_stock_status,
    parse_stock_status,
    read_item_entries_of_pieces,
)
from khaos_sync.protocol.errors import DocumentError


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


# --- items, each with a digest of its entries (a refresh skips the repeated ones) ---

ALL_SITES = b"""<STOCK_STATUS SITE="All Sites">
  <STOCK_ITEM CODE="A" ID="1" SITE="Main"><LEVEL>5</LEVEL><STATUS>0</STATUS></STOCK_ITEM>
  <STOCK_ITEM CODE="B" ID="2" SITE="Main"><LEVEL>1</LEVEL><STATUS>0</STATUS></STOCK_ITEM>
  <STOCK_ITEM CODE="A" ID="1" SITE="Shop"><LEVEL>2</LEVEL><STATUS>0</STATUS></STOCK_ITEM>
  <STOCK_ITEM CODE="B" ID="2" SITE="Shop"><LEVEL>0</LEVEL><STATUS>3</STATUS></STOCK_ITEM>
  <STOCK_ITEM CODE="C"><LEVEL>7</LEVEL><STATUS>0</STATUS></STOCK_ITEM>
</STOCK_STATUS>"""


def items_of(document: bytes, known: Any = None, piece: int = 7) -> list[ItemEntries]:
    pieces = [document[i : i + piece] for i in range(0, len(document), piece)]
    return read_item_entries_of_pieces(pieces, known)


def test_items_gather_their_entries_wherever_they_stand() -> None:
    items = items_of(ALL_SITES)

    assert [(i.stock_id, i.stock_code) for i in items] == [("1", "A"), ("2", "B"), (None, "C")]
    entries = parse_stock_status(ALL_SITES)
    assert [list(i.entries or ()) for i in items] == [
        [entries[0], entries[2]],
        [entries[1], entries[3]],
        [entries[4]],
    ]
    assert items[2].entries and items[2].entries[0].site == "All Sites"


def test_the_same_entries_give_the_same_digest_and_any_change_another() -> None:
    digests = [i.digest for i in items_of(ALL_SITES)]
    assert [i.digest for i in items_of(ALL_SITES, piece=4096)] == digests
    assert len(set(digests)) == 3

    moved = [
        i.digest for i in items_of(ALL_SITES.replace(b"<LEVEL>2</LEVEL>", b"<LEVEL>3</LEVEL>"))
    ]
    assert moved[0] != digests[0] and moved[1:] == digests[1:]
    # An entry that names no site takes the document's: another document site, another digest.
    elsewhere = ALL_SITES.replace(b'SITE="All Sites"', b'SITE="Main"')
    assert [i.digest for i in items_of(elsewhere)][2] != digests[2]


def test_an_entrys_digest_does_not_depend_on_the_spacing_after_it() -> None:
    digests = [i.digest for i in items_of(ALL_SITES)]
    # The same entries with no spacing, and in another order: where an entry stands is no change.
    tight = b"".join(line.strip() for line in ALL_SITES.splitlines())
    assert [i.digest for i in items_of(tight)] == digests
    lines = ALL_SITES.splitlines()
    moved = b"\n".join([lines[0], lines[5], *lines[1:5], lines[6]])
    assert sorted(i.digest for i in items_of(moved)) == sorted(digests)


def test_entries_whose_text_cannot_be_cut_apart_are_read_all_the_same() -> None:
    """A start tag hidden in a comment, or entries nested in a site of their own."""
    commented = ALL_SITES.replace(
        b"</STOCK_STATUS>", b"<!-- <STOCK_ITEM ID='9'> --></STOCK_STATUS>"
    )
    nested = ALL_SITES.replace(
        b'  <STOCK_ITEM CODE="C">', b'  <STOCK_STATUS SITE="Main"><STOCK_ITEM CODE="C">'
    ).replace(b"</STOCK_ITEM>\n</STOCK_STATUS>", b"</STOCK_ITEM></STOCK_STATUS>\n</STOCK_STATUS>")
    plain = items_of(ALL_SITES)

    assert [(i.stock_code, i.entries) for i in items_of(commented)] == [
        (i.stock_code, i.entries) for i in plain
    ]
    inner = items_of(nested)
    assert [i.digest for i in inner][:2] == [i.digest for i in plain][:2]
    assert inner[2].entries and inner[2].entries[0].site == "Main"
    assert inner[2].digest != plain[2].digest


def test_known_items_are_left_undecoded() -> None:
    digests = {i.stock_code: i.digest for i in items_of(ALL_SITES)}
    asked: list[tuple[str | None, str | None]] = []

    def known(stock_id: str | None, code: str | None, digest: str) -> bool:
        asked.append((stock_id, code))
        return code in ("A", "C") and digests[code] == digest

    items = items_of(ALL_SITES.replace(b"<LEVEL>7</LEVEL>", b"<LEVEL>8</LEVEL>"), known)

    assert asked == [("1", "A"), ("2", "B"), (None, "C")]
    assert [i.entries is None for i in items] == [True, False, False]
    assert items[2].entries and items[2].entries[0].level == Decimal("8")


def test_items_of_a_document_khaos_garbled_raise_as_the_entries_do() -> None:
    with pytest.raises(DocumentError):
        items_of(ALL_SITES.replace(b"<LEVEL>5</LEVEL>", b"<LEVEL>five</LEVEL>"))
    with pytest.raises(DocumentError):
        items_of(ALL_SITES[:-20])
