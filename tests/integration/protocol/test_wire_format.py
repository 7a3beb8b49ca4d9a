"""The client against a real HTTP server answering with hand-written Delphi-style envelopes."""

from __future__ import annotations

import gzip
import logging
import socket
from datetime import datetime
from xml.sax.saxutils import escape

import pytest
from lxml import etree

from khaos_sync.protocol.client import KhaosClient
from khaos_sync.protocol.errors import ProtocolError, SoapFault, TransientError
from khaos_sync.protocol.results import Country, ImportedOrder, SkippedOrder, StockListEntry
from khaos_sync.protocol.soap.compression import BZIP2, compressed_result
from khaos_sync.protocol.soap.envelope import encode_response

from . import responses
from .stub_server import StubServer

XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"
SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"


def test_the_exact_request_sent(stub: StubServer, client: KhaosClient) -> None:
    stub.answer(responses.document_result("ExportStock", "&lt;STOCK_ITEMS/&gt;"))
    client.export_stock(stock_code="A1,B2", mapping_type=1, last_updated=datetime(2024, 1, 2, 3))

    sent = stub.last
    assert sent.path == "/KhaosKSD.exe/soap/IKosWeb"
    assert sent.headers["SOAPAction"] == '"urn:IKosWebIntf-IKosWeb#ExportStock"'
    assert sent.headers["Content-Type"] == "text/xml; charset=utf-8"
    assert sent.headers["User-Agent"].startswith("khaos-sync/")
    envelope = etree.fromstring(sent.body)
    body = envelope.find(f"{{{SOAP_ENV}}}Body")
    assert body is not None
    assert body.get(f"{{{SOAP_ENV}}}encodingStyle") == "http://schemas.xmlsoap.org/soap/encoding/"
    call = body[0]
    assert call.tag == "{urn:IKosWebIntf-IKosWeb}ExportStock"
    assert [(p.tag, p.get(XSI_TYPE), p.text) for p in call] == [
        ("StockCode", "xsd:string", "A1,B2"),
        ("MappingType", "xsd:int", "1"),
        ("LastUpdated", "xsd:dateTime", "2024-01-02T03:00:00.000"),
    ]


def test_inline_arrays(stub: StubServer, client: KhaosClient) -> None:
    stub.answer(responses.STOCK_LIST_INLINE)
    stock = client.get_stock_list(date_type=0, date_value=datetime(2024, 6, 1))
    assert stock.count == 2
    assert stock.entries[0] == StockListEntry(
        stock_code="TSHIRT",
        other_ref="5012345678900",
        stock_desc="T-Shirt & Badge",
        parent_code="",
        parent_other_ref="",
        last_updated=datetime(2024, 6, 1, 14, 5, 9, 120000),
    )
    assert stock.entries[1].parent_code == "TSHIRT"


def test_multiref_arrays(stub: StubServer, client: KhaosClient) -> None:
    stub.answer(responses.COUNTRY_LIST_MULTIREF)
    countries = client.get_country_list()
    assert countries.count == 2
    assert countries.countries[0] == Country(
        country_name="United Kingdom",
        country_code2="GB",
        country_code3="GBR",
        eu_member=False,
        pays_vat=True,
        currency_name="Pounds Sterling",
        currency_code="GBP",
        zone="UK",
    )
    assert countries.countries[1].eu_member is True


def test_empty_array(stub: StubServer, client: KhaosClient) -> None:
    stub.answer(responses.COMPANY_LIST_EMPTY)
    companies = client.get_company_list(last_updated=datetime(2024, 1, 1))
    assert (companies.count, companies.entries) == (0, ())


def test_unexpected_extra_fields_are_ignored(stub: StubServer, client: KhaosClient) -> None:
    stub.answer(responses.ORDER_IMPORT_WITH_EXTRA_FIELD)
    result = client.import_orders(orders="<SALES_ORDERS/>")
    assert result.imported_count == 1
    assert result.imported == (ImportedOrder("SO0001234", "WEB100045", "", "SMITH01", "cust-77"),)
    assert result.skipped == (SkippedOrder("WEB100046", "Stock item DISC1 is discontinued"),)


def test_string_arrays_keep_empty_strings(stub: StubServer, client: KhaosClient) -> None:
    stub.answer(responses.SALE_SOURCES)
    assert client.get_sale_source() == ["Web", "Telephone", ""]


def test_stock_potential(stub: StubServer, client: KhaosClient) -> None:
    stub.answer(responses.STOCK_POTENTIAL)
    [item] = client.get_stock_potential(stock_code="TSHIRT-PNK-L", mapping_type=1)
    assert (item.stock_id, item.stock_code) == (None, "TSHIRT-PNK-L")
    assert (item.available, item.on_order, item.back_order, item.potential) == (4, 10, 1.5, 12.5)


def test_compressed_result(stub: StubServer, client: KhaosClient) -> None:
    document = b"<STOCK_ITEMS>" + b"<STOCK_ITEM/>" * 500 + b"</STOCK_ITEMS>"
    struct = compressed_result(document, BZIP2, file_name="stock.xml")
    stub.answer(encode_response("ExportStockCompressed", struct, arrays="multiref"))
    result = client.export_stock_compressed(last_updated=datetime(2024, 1, 1), compression_method=1)
    assert result.file_name == "stock.xml"
    assert result.decompress() == document


@pytest.mark.parametrize("status", [500, 200])
def test_fault_with_detail(stub: StubServer, client: KhaosClient, status: int) -> None:
    stub.answer(responses.FAULT, status=status)
    with pytest.raises(SoapFault) as caught:
        client.import_orders(orders="<SALES_ORDERS/>")
    fault = caught.value
    assert fault.fault_string == "Order WEB100046: stock item DISC1 is discontinued"
    assert fault.fault_code == "SOAP-ENV:Server"
    assert fault.exception_class == "EKosWebImport"
    assert fault.exception_inheritance == "ERemotableException:Exception:TObject"
    assert not fault.retryable


def test_twenty_megabyte_string_result(stub: StubServer, client: KhaosClient) -> None:
    item = "<STOCK_ITEM><STOCK_DESC>Fish &amp; Chips \u00a3 &lt;large&gt;</STOCK_DESC></STOCK_ITEM>"
    document = (
        '<?xml version="1.0"?>\n<STOCK_ITEMS>' + item * (20_000_000 // len(item)) + "</STOCK_ITEMS>"
    )
    assert len(document) >= 19_900_000
    stub.answer(responses.document_result("ExportStock", escape(document)))
    assert client.export_stock(stock_code="") == document


def test_http_500_with_an_html_page_is_transient(stub: StubServer, client: KhaosClient) -> None:
    stub.answer(responses.IIS_ERROR_PAGE, status=500, content_type="text/html")
    with pytest.raises(TransientError, match="HTTP 500") as caught:
        client.get_version()
    assert caught.value.request_sent is True
    assert caught.value.retryable


def test_http_503_is_transient(stub: StubServer, client: KhaosClient) -> None:
    stub.answer("Service Unavailable", status=503, content_type="text/plain")
    with pytest.raises(TransientError):
        client.get_version()


def test_http_404_is_a_protocol_error(stub: StubServer, client: KhaosClient) -> None:
    stub.answer(
        responses.IIS_ERROR_PAGE.replace("500", "404"), status=404, content_type="text/html"
    )
    with pytest.raises(ProtocolError, match="HTTP 404"):
        client.get_version()


def test_connection_reset_after_the_request_is_transient(
    stub: StubServer, client: KhaosClient
) -> None:
    stub.reset()
    with pytest.raises(TransientError) as caught:
        client.import_orders(orders="<SALES_ORDERS/>")
    assert caught.value.request_sent is True
    assert len(stub.received) == 1


def test_read_timeout_is_transient_and_the_request_may_have_arrived(
    stub: StubServer, client: KhaosClient
) -> None:
    stub.stall(1.5, body=responses.response("GetVersion", "<return>1</return>").encode())
    with pytest.raises(TransientError, match="timed out") as caught:
        client.get_version(timeout=0.3)
    assert caught.value.request_sent is True


def test_per_call_timeout_can_be_longer_than_the_default(stub: StubServer) -> None:
    stub.stall(0.5, body=responses.response("GetVersion", "<return>7.2</return>").encode())
    with KhaosClient(stub.url, timeout=0.1) as client:
        assert client.get_version(timeout=5) == "7.2"


def test_connection_refused_is_transient_and_nothing_was_sent() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with KhaosClient(f"http://127.0.0.1:{port}/KhaosKSD.exe/soap/IKosWeb") as client:
        with pytest.raises(TransientError) as caught:
            client.get_version()
    assert caught.value.request_sent is False


def test_truncated_envelope_is_a_protocol_error(stub: StubServer, client: KhaosClient) -> None:
    full = responses.STOCK_LIST_INLINE
    stub.answer(full[: len(full) // 2])
    with pytest.raises(ProtocolError):
        client.get_stock_list()


def test_gzip_encoded_answers_are_decoded(stub: StubServer, client: KhaosClient) -> None:
    stub.answer(gzip.compress(responses.SALE_SOURCES.encode()), content_encoding="gzip")
    assert client.get_sale_source() == ["Web", "Telephone", ""]


def test_gzip_bombs_stop_at_the_size_cap(stub: StubServer) -> None:
    bomb = responses.document_result("ExportStock", "x" * 5_000_000).encode()
    stub.answer(gzip.compress(bomb), content_encoding="gzip")
    with KhaosClient(stub.url, max_response_bytes=1_000_000) as client:
        with pytest.raises(ProtocolError, match="larger than"):
            client.export_stock(stock_code="A")


def test_connection_dropped_mid_answer_is_transient(stub: StubServer, client: KhaosClient) -> None:
    stub.cut(responses.STOCK_LIST_INLINE)
    with pytest.raises(TransientError) as caught:
        client.get_stock_list()
    assert caught.value.request_sent is True


def test_response_size_cap(stub: StubServer) -> None:
    stub.answer(responses.document_result("ExportStock", "x" * 10_000))
    with KhaosClient(stub.url, max_response_bytes=5_000) as client:
        with pytest.raises(ProtocolError, match="larger than"):
            client.export_stock(stock_code="A")


def test_on_call_hook_sees_every_outcome(stub: StubServer) -> None:
    calls: list[tuple[str, float, str]] = []
    stub.answer(responses.response("GetVersion", "<return>7.2</return>"))
    stub.answer(responses.FAULT, status=500)
    stub.answer(responses.IIS_ERROR_PAGE, status=502)
    stub.answer("<junk", status=200)
    with KhaosClient(stub.url, on_call=lambda *args: calls.append(args)) as client:
        client.get_version()
        for _ in range(3):
            with pytest.raises((SoapFault, TransientError, ProtocolError)):
                client.get_version()
    assert [(name, outcome) for name, _, outcome in calls] == [
        ("GetVersion", "ok"),
        ("GetVersion", "fault"),
        ("GetVersion", "transient"),
        ("GetVersion", "protocol"),
    ]
    assert all(seconds >= 0 for _, seconds, _ in calls)


def test_a_failing_hook_does_not_fail_the_call(stub: StubServer) -> None:
    def broken(*args: object) -> None:
        raise RuntimeError("metrics down")

    stub.answer(responses.response("GetVersion", "<return>7.2</return>"))
    with KhaosClient(stub.url, on_call=broken) as client:
        assert client.get_version() == "7.2"


def test_login_password_is_never_logged(
    stub: StubServer, client: KhaosClient, caplog: pytest.LogCaptureFixture
) -> None:
    stub.answer(responses.response("Login", "<return>OK</return>"))
    with caplog.at_level(logging.DEBUG):
        assert client.login(user_name="web", user_password="s3cr3t-pw") == "OK"
    assert b"s3cr3t-pw" in stub.last.body
    assert "s3cr3t-pw" not in caplog.text
    assert "UserName='web'" in caplog.text


def test_generic_call_returns_wire_values(stub: StubServer, client: KhaosClient) -> None:
    stub.answer(responses.COMPANY_LIST_EMPTY)
    assert client.call("GetCompanyList", LastUpdated="2024-01-01") == {"Count": 0, "List": []}
    assert b"2024-01-01T00:00:00.000" in stub.last.body
