"""String answers read while they arrive give exactly what decoding them whole gives."""

from __future__ import annotations

from xml.sax.saxutils import escape

import pytest

from khaos_sync.protocol.errors import ProtocolError, SoapFault, UnsafeDocumentError
from khaos_sync.protocol.soap.envelope import decode_response, encode_fault, encode_response
from khaos_sync.protocol.soap.streaming import StringAnswer

DOCUMENT = (
    '\ufeff<?xml version="1.0" encoding="utf-8"?>\r\n<STOCK_ITEMS>'
    "<STOCK_ITEM><STOCK_DESC>Fish &amp; Chips \u00a3 5 &lt;large&gt; \"quoted\" 'single'"
    "</STOCK_DESC><LONG_DESC><![CDATA[<p>Soft & warm ]] ></p>]]></LONG_DESC>"
    "<NOTE>\u6771\u4eac \U0001f600</NOTE></STOCK_ITEM></STOCK_ITEMS>"
)
HEAD = (
    '<?xml version="1.0" encoding="utf-8"?>'
    '<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
    '<SOAP-ENV:Body><NS1:ExportStockResponse xmlns:NS1="urn:IKosWebIntf-IKosWeb">'
)
TAIL = "</NS1:ExportStockResponse></SOAP-ENV:Body></SOAP-ENV:Envelope>"


def streamed(body: bytes, size: int, operation: str = "ExportStock") -> bytes:
    answer = StringAnswer(operation)
    pieces = []
    for start in range(0, len(body), size):
        pieces += answer.feed(body[start : start + size])
    pieces += answer.finish()
    return b"".join(pieces)


@pytest.mark.parametrize("size", [1, 2, 3, 7, 64, 4096, 1 << 20])
def test_any_chunking_gives_the_string_decoding_gives(size):
    body = encode_response("ExportStock", DOCUMENT)
    assert streamed(body, size) == decode_response("ExportStock", body).encode("utf-8")


@pytest.mark.parametrize("size", [1, 2, 3, 4096])
def test_line_ends_are_read_as_an_xml_parser_reads_them(size):
    inner = "a\r\nb\rc\n&#13;\r\n<![CDATA[d\r\ne\r]]>\r\n"
    body = f'{HEAD}<return xsi:type="xsd:string">{inner}</return>{TAIL}'.encode()
    assert streamed(body, size) == decode_response("ExportStock", body).encode("utf-8")


@pytest.mark.parametrize("size", [1, 5, 4096])
def test_cdata_and_character_references(size):
    inner = "<![CDATA[<A>x &amp; y</A>]]>&lt;B&gt;&#163;&#xA3;&#38;lt;<![CDATA[]]>"
    body = f'{HEAD}<return xsi:type="xsd:string">{inner}</return>{TAIL}'.encode()
    expected = "<A>x &amp; y</A><B>\u00a3\u00a3&lt;"
    assert streamed(body, size).decode("utf-8") == expected
    assert decode_response("ExportStock", body) == expected


def test_a_string_by_reference_takes_the_general_path():
    body = (
        f'{HEAD}<return href="#1"/>{TAIL[: -len("</SOAP-ENV:Body></SOAP-ENV:Envelope>")]}'
        f'<multiRef id="1" xsi:type="xsd:string">{escape(DOCUMENT)}</multiRef>'
        "</SOAP-ENV:Body></SOAP-ENV:Envelope>"
    ).encode()
    assert streamed(body, 10) == decode_response("ExportStock", body).encode("utf-8")


def test_an_envelope_in_another_encoding_takes_the_general_path():
    value = escape("<A>caf\u00e9</A>")
    text = f'{HEAD}<return xsi:type="xsd:string">{value}</return>{TAIL}'
    body = text.replace('encoding="utf-8"', 'encoding="ISO-8859-1"').encode("latin-1")
    assert streamed(body, 3).decode("utf-8") == "<A>caf\u00e9</A>"


def test_a_fault_is_raised():
    body = encode_fault("Stock code ABC is discontinued", exception_class="EKosWebError")
    with pytest.raises(SoapFault, match="discontinued"):
        streamed(body, 16)


@pytest.mark.parametrize(
    ("inner", "message"),
    [
        ("<A/>", "found markup"),
        ("</return><B/><return>", "unexpected element <B> after the return value"),
        ("x &nbsp; y", "found an unknown entity"),
        ("x &#38 y", "found an unknown entity"),
        ("x <!-- note --> y", "found markup"),
    ],
)
def test_what_is_not_a_string_is_refused(inner, message):
    body = f'{HEAD}<return xsi:type="xsd:string">{inner}</return>{TAIL}'.encode()
    with pytest.raises(ProtocolError, match=message):
        streamed(body, 4)


def test_a_truncated_answer_is_refused():
    body = encode_response("ExportStock", DOCUMENT)
    with pytest.raises(ProtocolError, match="ended inside its string"):
        streamed(body[:-120], 64)
    with pytest.raises(ProtocolError):
        streamed(body[:-10], 64)


def test_a_dtd_is_refused_before_anything_is_parsed():
    body = (
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]>'
        + HEAD.split("?>", 1)[1]
        + "<return>&a;</return>"
        + TAIL
    ).encode()
    with pytest.raises(UnsafeDocumentError):
        streamed(body, 8)
