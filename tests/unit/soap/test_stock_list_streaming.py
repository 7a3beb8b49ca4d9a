"""GetStockList answers read while they arrive give exactly what decoding them whole gives."""

from __future__ import annotations

from datetime import datetime

import pytest

from khaos_sync.protocol.errors import ProtocolError, SoapFault, UnsafeDocumentError
from khaos_sync.protocol.results import StockList, StockListEntry
from khaos_sync.protocol.soap.envelope import decode_response, encode_fault, encode_response
from khaos_sync.protocol.soap.stock_list import StockListAnswer

from .answers import DELPHI_STOCK_LIST, HEAD, TAIL, response

# Axis writes every struct and the array as multiRef elements; here the
# entries even come before the array that refers to them.
AXIS_MULTIREF = response(
    "GetStockList",
    '<return href="#id0"/>',
    '<multiRef id="id2" xsi:type="NS2:TStockListItem"><StockCode>B</StockCode>'
    "<StockDesc>Bee &amp; co</StockDesc></multiRef>"
    '<multiRef id="id0" SOAP-ENC:root="0" xsi:type="NS2:TStockList">'
    '<Count xsi:type="xsd:int">3</Count><List href="#id1"/></multiRef>'
    '<multiRef id="id1" xsi:type="SOAP-ENC:Array" SOAP-ENC:arrayType="NS2:TStockListItem[3]">'
    '<item href="#id3"/><item href="#id2"/><item href="#id3"/></multiRef>'
    '<multiRef id="id3" xsi:type="NS2:TStockListItem"><StockCode>A</StockCode>'
    "<LastUpdated>2024-06-01 08:00:00</LastUpdated></multiRef>",
)
INLINE_BY_HAND = response(
    "GetStockList",
    '<return xsi:type="NS2:TStockList"><Count xsi:type="xsd:int">2</Count>'
    '<List xsi:type="SOAP-ENC:Array" SOAP-ENC:arrayType="NS2:TStockListItem[2]">'
    '<item xsi:type="NS2:TStockListItem"><StockCode>X1</StockCode>'
    "<StockDesc><![CDATA[<b>bold</b>]]></StockDesc><Extra>ignored</Extra></item>"
    "<item><StockCode>X2</StockCode><ParentCode>X1</ParentCode></item></List></return>",
)
MANY = StockList(
    count=500,
    entries=tuple(
        StockListEntry(
            stock_code=f"CODE{n}",
            other_ref=str(n),
            stock_desc=f"Item {n} & <more>",
            parent_code=f"CODE{n - n % 5}" if n % 5 else "",
            last_updated=datetime(2024, 1, 1 + n % 28, 12, 30),
        )
        for n in range(500)
    ),
)


def streamed(body: bytes, size: int) -> tuple[StockList, int]:
    """The list read in chunks of ``size``, and how many entries came before the end."""
    answer = StockListAnswer()
    entries: list[StockListEntry] = []
    for start in range(0, len(body), size):
        entries += answer.feed(body[start : start + size])
    early = len(entries)
    entries += answer.finish()
    count = len(entries) if answer.count is None else answer.count
    return StockList(count=count, entries=tuple(entries)), early


def whole(body: bytes) -> StockList:
    return StockList.from_wire(decode_response("GetStockList", body))


@pytest.mark.parametrize("size", [1, 3, 17, 4096, 1 << 20])
@pytest.mark.parametrize(
    "body",
    [DELPHI_STOCK_LIST, AXIS_MULTIREF, INLINE_BY_HAND],
    ids=["delphi-multiref", "axis-multiref", "inline"],
)
def test_hand_written_answers_give_what_decoding_them_whole_gives(body, size):
    listing, early = streamed(body, size)
    assert listing == whole(body)
    assert early == len(listing.entries)  # each handed out once its element was read


def test_multiref_entries_come_in_the_order_of_the_array():
    listing, _early = streamed(AXIS_MULTIREF, 64)
    assert [entry.stock_code for entry in listing.entries] == ["A", "B", "A"]
    assert listing.entries[1].stock_desc == "Bee & co"
    assert listing.entries[0].last_updated == datetime(2024, 6, 1, 8)
    assert listing.count == 3


@pytest.mark.parametrize("arrays", ["inline", "multiref"])
def test_entries_come_out_while_the_answer_arrives(arrays):
    body = encode_response("GetStockList", MANY, arrays=arrays)
    listing, early = streamed(body, 4096)
    assert listing == MANY
    assert early > 400  # all but the last chunk's were handed out before the end


@pytest.mark.parametrize(
    "list_element",
    [
        '<List xsi:type="SOAP-ENC:Array" SOAP-ENC:arrayType="NS2:TStockListItem[0]"/>',
        '<List xsi:type="SOAP-ENC:Array" SOAP-ENC:arrayType="NS2:TStockListItem[0]"></List>',
        '<List xsi:nil="true"/>',
        "",
    ],
)
def test_empty_lists(list_element):
    body = response(
        "GetStockList",
        f'<return xsi:type="NS2:TStockList"><Count xsi:type="xsd:int">0</Count>{list_element}</return>',
    )
    assert streamed(body, 5)[0] == StockList(count=0, entries=())


@pytest.mark.parametrize("arrays", ["inline", "multiref"])
def test_empty_lists_as_the_simulator_writes_them(arrays):
    body = encode_response("GetStockList", {"Count": 0, "List": []}, arrays=arrays)
    assert streamed(body, 7)[0] == StockList(count=0, entries=())


def test_a_fault_is_raised_as_a_soap_fault():
    body = encode_fault("Stock list unavailable", exception_class="EKosWebError")
    with pytest.raises(SoapFault) as caught:
        streamed(body, 10)
    assert caught.value.fault_string == "Stock list unavailable"
    assert caught.value.exception_class == "EKosWebError"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (response("GetStockList", '<return xsi:type="xsd:string">x</return>'), "found text"),
        (response("GetStockList", '<return href="#9"/>'), "no matching id"),
        (
            response(
                "GetStockList", '<return href="#1"/>', '<x id="1" href="#2"/><y id="2" href="#1"/>'
            ),
            "loop",
        ),
        (response("GetStockList", "<return><Count>two</Count></return>"), "Count"),
        (
            response(
                "GetStockList",
                "<return><List><item><LastUpdated>soon</LastUpdated></item></List></return>",
            ),
            "LastUpdated",
        ),
        (
            response("GetStockList", '<return><List><item href="#7"/></List></return>'),
            "no matching id",
        ),
        (response("GetVersion", "<return>1</return>"), "GetStockListResponse"),
        (f"{HEAD}{TAIL}".encode(), "GetStockListResponse"),
        (b"<html><body>Service Unavailable</body></html>", "not a SOAP"),
        (b"", "unreadable"),
    ],
)
def test_malformed_answers_are_the_protocol_errors_decoding_gives(body, message):
    with pytest.raises(ProtocolError, match=message):
        decode_response("GetStockList", body)
    with pytest.raises(ProtocolError, match=message):
        streamed(body, 11)


@pytest.mark.parametrize("arrays", ["inline", "multiref"])
def test_a_truncated_answer_is_a_protocol_error(arrays):
    body = encode_response("GetStockList", MANY, arrays=arrays)
    with pytest.raises(ProtocolError, match="unreadable"):
        streamed(body[: len(body) // 2], 4096)


def test_a_doctype_is_refused():
    declaration = b'<?xml version="1.0" encoding="utf-8"?>'
    body = (
        declaration
        + b'<!DOCTYPE lolz [<!ENTITY lol "lol">]>'
        + response(
            "GetStockList",
            "<return><List><item><StockCode>&lol;</StockCode></item></List></return>",
        )[len(declaration) :]
    )
    with pytest.raises(UnsafeDocumentError):
        decode_response("GetStockList", body)
    with pytest.raises(UnsafeDocumentError):
        streamed(body, 16)
