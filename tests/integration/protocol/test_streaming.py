"""ExportStock items streamed from a real HTTP answer; small calls refuse large answers early."""

from __future__ import annotations

from xml.sax.saxutils import escape

import pytest

from khaos_sync.protocol.client import SMALL_ANSWER_BYTES, KhaosClient
from khaos_sync.protocol.documents.stock import iter_stock_items
from khaos_sync.protocol.errors import DocumentError, ProtocolError, SoapFault, TransientError

from . import responses
from .stub_server import StubServer

ITEM = (
    "<STOCK_ITEM><STOCK_ID>{n}</STOCK_ID><STOCK_CODE>CODE{n}</STOCK_CODE>"
    "<STOCK_DESC><![CDATA[Fish & Chips \u00a3{n}]]></STOCK_DESC></STOCK_ITEM>"
)


def stock_document(items: int) -> str:
    body = "".join(ITEM.format(n=n) for n in range(1, items + 1))
    return f'\ufeff<?xml version="1.0" encoding="utf-8"?>\n<STOCK_ITEMS>{body}</STOCK_ITEMS>'


def test_streamed_items_are_the_items_of_the_whole_answer(
    stub: StubServer, client: KhaosClient
) -> None:
    document = stock_document(5000)
    stub.answer(responses.document_result("ExportStock", escape(document)))
    stub.answer(responses.document_result("ExportStock", escape(document)))

    streamed = list(client.export_stock_items(stock_code="CODE1,CODE2"))
    whole = list(iter_stock_items(client.export_stock(stock_code="CODE1,CODE2").encode()))

    assert len(streamed) == 5000
    assert streamed == whole
    assert streamed[41].stock_desc == "Fish & Chips \u00a342"
    assert b"<StockCode" in stub.received[0].body and b"CODE1,CODE2" in stub.received[0].body


def test_a_fault_comes_out_of_the_stream(stub: StubServer, client: KhaosClient) -> None:
    stub.answer(responses.FAULT, status=500)
    with pytest.raises(SoapFault, match="discontinued"):
        list(client.export_stock_items(stock_code="DISC1"))


def test_a_document_of_another_kind_is_refused(stub: StubServer, client: KhaosClient) -> None:
    stub.answer(responses.document_result("ExportStock", escape("<STOCK_STATUS_ITEMS/>")))
    with pytest.raises(DocumentError, match="expected a document with root <STOCK_ITEMS>"):
        list(client.export_stock_items(stock_code="A"))


def test_a_connection_dropped_mid_answer_is_transient(
    stub: StubServer, client: KhaosClient
) -> None:
    stub.cut(responses.document_result("ExportStock", escape(stock_document(2000))))
    with pytest.raises(TransientError) as caught:
        list(client.export_stock_items(stock_code="A"))
    assert caught.value.request_sent is True


def test_the_stream_keeps_the_size_cap(stub: StubServer) -> None:
    stub.answer(responses.document_result("ExportStock", escape(stock_document(2000))))
    with KhaosClient(stub.url, max_response_bytes=50_000) as client:
        with pytest.raises(ProtocolError, match="larger than the 50000 bytes"):
            list(client.export_stock_items(stock_code="A"))


def test_get_version_refuses_a_large_answer_at_a_small_cap(
    stub: StubServer, client: KhaosClient
) -> None:
    huge = "9" * (SMALL_ANSWER_BYTES + 1)
    stub.answer(responses.response("GetVersion", f'<return xsi:type="xsd:string">{huge}</return>'))
    with pytest.raises(ProtocolError, match=f"larger than the {SMALL_ANSWER_BYTES} bytes"):
        client.get_version()
    stub.answer(responses.response("GetVersion", '<return xsi:type="xsd:string">8.193</return>'))
    assert client.get_version() == "8.193"
