"""``khaos-sync parse``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from khaos_sync.cli.parse import READERS, parse

SAMPLES = {
    "stock": "KSDXMLStock.xml",
    "stock-status": "KSDXMLStockStatus.xml",
    "web-categories": "KSDXMLWebCategories.xml",
    "web-categories-ex2": "KSDXMLWebCategoriesEx2.xml",
    "orders": "KSDXMLImportFormat.xml",
    "order-status": "KSDXMLOrderStatus.xml",
    "order-status-ex": "KSDXMLOrderStatusEx.xml",
    "customers": "KSDXMLCustomer.xml",
    "deleted-entries": "KSDXMLDeletedEntries.xml",
    "price-lists": "KSDXMLPriceLists.xml",
    "catalogue-requests": "KSDXMLCatRequest.xml",
    "sop-data": "KSDXMLSOPData.xml",
}


def run(*args: str) -> tuple[int, list[dict[str, object]], str]:
    result = CliRunner().invoke(parse, list(args))
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    return result.exit_code, lines, result.stderr


def test_every_document_kind_has_a_sample() -> None:
    assert set(SAMPLES) == set(READERS)


@pytest.mark.parametrize("document", sorted(SAMPLES))
def test_every_fixture_prints_json_lines(document: str, khaosws_fixtures: Path) -> None:
    code, lines, _ = run(document, str(khaosws_fixtures / SAMPLES[document]))
    assert code == 0
    assert lines


@pytest.mark.parametrize("document", sorted(SAMPLES))
def test_every_published_sample_prints_json_lines(document: str, khaosws_samples: Path) -> None:
    code, lines, _ = run(document, str(khaosws_samples / SAMPLES[document]))
    assert code == 0
    assert lines


def test_decimals_are_strings_and_dates_iso(khaosws_fixtures: Path) -> None:
    code, lines, _ = run("stock-status", str(khaosws_fixtures / "KSDXMLStockStatus.xml"))
    assert code == 0
    assert lines[0]["buy_price"] == "7.40"
    assert lines[0]["lead_time"] == "2026-02-16"
    assert lines[0]["status"] == 0


def test_scs_children_are_nested(khaosws_fixtures: Path) -> None:
    _, lines, _ = run("stock", str(khaosws_fixtures / "KSDXMLStock.xml"))
    scs = lines[0]["scs"]
    assert isinstance(scs, dict)
    assert scs["children"][0]["options"] == [["Colour", "Green"]]
    assert lines[0]["launch_date"] == "2025-04-14T00:00:00"


def test_published_decimals_and_nesting(khaosws_samples: Path) -> None:
    _, status, _ = run("stock-status", str(khaosws_samples / "KSDXMLStockStatus.xml"))
    assert (status[0]["buy_price"], status[0]["lead_time"]) == ("99.00", "2009-08-27")
    _, stock, _ = run("stock", str(khaosws_samples / "KSDXMLStock.xml"))
    assert stock[0]["scs"]["children"][0]["options"] == [["Size", ""]]  # type: ignore[index]


def test_unsafe_document_exits_2_with_message(tmp_path: Path) -> None:
    path = tmp_path / "bomb.xml"
    path.write_text('<!DOCTYPE a [<!ENTITY b "c">]><STOCK_ITEMS>&b;</STOCK_ITEMS>')
    code, lines, stderr = run("stock", str(path))
    assert code == 2 and lines == []
    assert "DTD or entities" in stderr and str(path) in stderr


def test_wrong_document_exits_2(khaosws_fixtures: Path) -> None:
    code, _, stderr = run("orders", str(khaosws_fixtures / "KSDXMLStock.xml"))
    assert code == 2
    assert "root <SALES_ORDERS>" in stderr


def test_malformed_document_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "broken.xml"
    path.write_text("<STOCK_STATUS><STOCK_ITEM></STOCK_STATUS>")
    code, _, stderr = run("stock-status", str(path))
    assert code == 2 and "not well-formed" in stderr
