"""``khaos-sync khaos`` against the stub server."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from khaos_sync.cli.khaos import khaos
from khaos_sync.protocol.soap.compression import ZIP, compressed_result
from khaos_sync.protocol.soap.envelope import encode_response

from . import responses
from .stub_server import StubServer


@pytest.fixture
def runner(stub: StubServer) -> CliRunner:
    return CliRunner(env={"KHAOS_SYNC_KHAOS_URL": stub.url})


def test_documents_are_printed_as_xml(stub: StubServer, runner: CliRunner) -> None:
    stub.answer(
        responses.document_result("ExportStock", "&lt;STOCK_ITEMS&gt;&amp;&lt;/STOCK_ITEMS&gt;")
    )
    result = runner.invoke(khaos, ["ExportStock", "StockCode=A1,B2", "MappingType=1"])
    assert result.exit_code == 0, result.output
    assert result.output == "<STOCK_ITEMS>&</STOCK_ITEMS>\n"
    assert b'<StockCode xsi:type="xsd:string">A1,B2</StockCode>' in stub.last.body


def test_structs_are_printed_as_json(stub: StubServer, runner: CliRunner) -> None:
    stub.answer(responses.STOCK_LIST_INLINE)
    result = runner.invoke(khaos, ["GetStockList", "DateValue=2024-06-01"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["Count"] == 2
    assert data["List"][0]["LastUpdated"] == "2024-06-01T14:05:09.120000"


def test_url_option_and_file_values(stub: StubServer, tmp_path: Path) -> None:
    orders = tmp_path / "orders.xml"
    orders.write_text("<SALES_ORDERS>\u00a3</SALES_ORDERS>", encoding="utf-8")
    stub.answer(responses.ORDER_IMPORT_WITH_EXTRA_FIELD)
    result = CliRunner().invoke(khaos, ["ImportOrders", f"Orders=@{orders}", "--url", stub.url])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["ImportedCount"] == 1
    assert (
        "<SALES_ORDERS>\u00a3</SALES_ORDERS>".replace("<", "&lt;").replace(">", "&gt;").encode()
        in stub.last.body
    )


def test_decompress(stub: StubServer, runner: CliRunner) -> None:
    stub.answer(encode_response("ExportStockCompressed", compressed_result(b"<STOCK_ITEMS/>", ZIP)))
    result = runner.invoke(khaos, ["ExportStockCompressed", "CompressionMethod=0", "--decompress"])
    assert result.exit_code == 0, result.output
    assert result.output == "<STOCK_ITEMS/>"


def test_fault_exits_2_with_the_fault_text_on_stderr(stub: StubServer, runner: CliRunner) -> None:
    stub.answer(responses.FAULT, status=500)
    result = runner.invoke(khaos, ["ImportOrders", "Orders=<x/>"])
    assert result.exit_code == 2
    assert "stock item DISC1 is discontinued" in result.stderr
    assert "EKosWebImport" in result.stderr


def test_transport_failure_exits_1(stub: StubServer, runner: CliRunner) -> None:
    stub.answer(responses.IIS_ERROR_PAGE, status=500)
    result = runner.invoke(khaos, ["GetVersion"])
    assert result.exit_code == 1
    assert "TransientError" in result.stderr


def test_unknown_operation_lists_the_valid_ones(runner: CliRunner) -> None:
    result = runner.invoke(khaos, ["ExportStocks"])
    assert result.exit_code == 2
    assert "ExportStockStatus" in result.output
    assert "GetVersion" in result.output


def test_unknown_parameter_lists_the_valid_ones(runner: CliRunner) -> None:
    result = runner.invoke(khaos, ["ExportStock", "Code=1"])
    assert result.exit_code == 2
    assert "StockCode, MappingType, LastUpdated" in result.output


def test_badly_typed_value_is_a_usage_error(runner: CliRunner) -> None:
    result = runner.invoke(khaos, ["ExportStock", "MappingType=stock"])
    assert result.exit_code == 2
    assert "MappingType" in result.output


def test_url_is_required() -> None:
    result = CliRunner(env={"KHAOS_SYNC_KHAOS_URL": None}).invoke(khaos, ["GetVersion"])
    assert result.exit_code == 2
    assert "--url" in result.output


def test_registered_in_the_main_command() -> None:
    from khaos_sync.cli.main import cli

    result = CliRunner().invoke(cli, ["khaos", "--help"])
    assert result.exit_code == 0
    assert "--ca-bundle" in result.output
