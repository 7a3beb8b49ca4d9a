"""The server side: requests are checked against the operations table."""

from __future__ import annotations

from datetime import datetime

import pytest

from khaos_sync.protocol.errors import ProtocolError, UnsafeDocumentError
from khaos_sync.protocol.soap import SoapRequestError, decode_request

ENVELOPE = """<?xml version="1.0"?>
<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/"
    xmlns:xsd="http://www.w3.org/2001/XMLSchema"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    xmlns:SOAP-ENC="http://schemas.xmlsoap.org/soap/encoding/">
  <SOAP-ENV:Body SOAP-ENV:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/">
    {call}
  </SOAP-ENV:Body>
</SOAP-ENV:Envelope>"""


def envelope(call: str) -> bytes:
    return ENVELOPE.format(call=call).encode()


def test_untyped_parameters_are_read_by_their_declared_type() -> None:
    body = envelope(
        '<ns:ExportStockStatus xmlns:ns="urn:IKosWebIntf-IKosWeb">'
        "<StockCode>A1,B2</StockCode><MappingType>1</MappingType>"
        "<LastUpdated>2024-02-01T08:00:00</LastUpdated><SiteID>-1</SiteID>"
        "<PotentialLeadTime>-1</PotentialLeadTime>"
        "</ns:ExportStockStatus>"
    )
    request = decode_request(body, '"urn:IKosWebIntf-IKosWeb#ExportStockStatus"')
    assert request.operation == "ExportStockStatus"
    assert request.params == {
        "StockCode": "A1,B2",
        "MappingType": 1,
        "LastUpdated": datetime(2024, 2, 1, 8),
        "SiteID": -1,
        "PotentialLeadTime": True,
    }
    assert request.definition.name == "ExportStockStatus"


@pytest.mark.parametrize(
    ("text", "expected"), [("-1", True), ("0", False), ("true", True), ("false", False)]
)
def test_booleans_in_either_spelling(text: str, expected: bool) -> None:
    body = envelope(
        '<NS1:ExportWebCategoriesEx2 xmlns:NS1="urn:IKosWebIntf-IKosWeb">'
        f'<IncludeItems xsi:type="xsd:boolean">{text}</IncludeItems>'
        "</NS1:ExportWebCategoriesEx2>"
    )
    assert decode_request(body, None).params["IncludeItems"] is expected


def test_parameters_given_by_reference() -> None:
    body = envelope(
        '<NS1:ImportOrders xmlns:NS1="urn:IKosWebIntf-IKosWeb"><Orders href="#1"/></NS1:ImportOrders>'
        '<multiRef id="1" xsi:type="xsd:string">&lt;SALES_ORDERS/&gt;</multiRef>'
    )
    assert decode_request(body, "").params == {"Orders": "<SALES_ORDERS/>"}


def test_wrong_namespace_is_a_client_error() -> None:
    body = envelope('<NS1:GetVersion xmlns:NS1="urn:SomethingElse"/>')
    with pytest.raises(SoapRequestError, match="urn:IKosWebIntf-IKosWeb") as caught:
        decode_request(body, None)
    assert caught.value.fault_code == "SOAP-ENV:Client"


def test_unknown_operation_names_the_valid_ones() -> None:
    body = envelope('<NS1:DropTables xmlns:NS1="urn:IKosWebIntf-IKosWeb"/>')
    with pytest.raises(SoapRequestError, match=r"DropTables.*GetVersion"):
        decode_request(body, None)


def test_unknown_parameter_names_the_valid_ones() -> None:
    body = envelope(
        '<NS1:ExportStock xmlns:NS1="urn:IKosWebIntf-IKosWeb"><Code>1</Code></NS1:ExportStock>'
    )
    with pytest.raises(SoapRequestError, match=r"Code.*StockCode, MappingType, LastUpdated"):
        decode_request(body, None)


def test_bad_values_are_client_errors() -> None:
    body = envelope(
        '<NS1:ExportStock xmlns:NS1="urn:IKosWebIntf-IKosWeb">'
        "<MappingType>one</MappingType></NS1:ExportStock>"
    )
    with pytest.raises(SoapRequestError, match="MappingType"):
        decode_request(body, None)


@pytest.mark.parametrize(
    "action",
    ['"urn:IKosWebIntf-IKosWeb#GetVersion"', "urn:IKosWebIntf-IKosWeb#GetVersion", "", None],
)
def test_matching_or_absent_soap_actions_are_accepted(action: str | None) -> None:
    body = envelope('<NS1:GetVersion xmlns:NS1="urn:IKosWebIntf-IKosWeb"/>')
    assert decode_request(body, action).operation == "GetVersion"


def test_soap_action_naming_another_method_is_refused() -> None:
    body = envelope('<NS1:GetVersion xmlns:NS1="urn:IKosWebIntf-IKosWeb"/>')
    with pytest.raises(SoapRequestError, match="SOAPAction"):
        decode_request(body, '"urn:IKosWebIntf-IKosWeb#ImportOrders"')


def test_empty_body_is_a_client_error() -> None:
    with pytest.raises(SoapRequestError):
        decode_request(envelope(""), None)


def test_doctype_is_refused() -> None:
    body = (
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]>'
        b'<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/">'
        b'<SOAP-ENV:Body><NS1:GetVersion xmlns:NS1="urn:IKosWebIntf-IKosWeb"/></SOAP-ENV:Body>'
        b"</SOAP-ENV:Envelope>"
    )
    with pytest.raises(UnsafeDocumentError):
        decode_request(body, None)


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"not xml",
        b"<Envelope/>",
        b"<a:Envelope xmlns:a='http://schemas.xmlsoap.org/soap/envelope/'/>",
    ],
)
def test_non_envelopes_are_protocol_errors(body: bytes) -> None:
    with pytest.raises(ProtocolError):
        decode_request(body, None)
