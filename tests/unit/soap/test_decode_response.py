"""Responses written by hand the way Delphi (and other SOAP-encoded servers) write them."""

from __future__ import annotations

import base64
from datetime import datetime

import pytest

from khaos_sync.protocol.errors import ProtocolError, SoapFault, UnsafeDocumentError
from khaos_sync.protocol.soap import decode_response

from .answers import DELPHI_STOCK_LIST, HEAD, TAIL, response


def test_delphi_multiref_struct_with_inline_array() -> None:
    body = DELPHI_STOCK_LIST
    result = decode_response("GetStockList", body)
    assert result["Count"] == 2
    assert [item["StockCode"] for item in result["List"]] == ["ABC", "ABC-RED"]
    assert result["List"][0]["OtherRef"] == ""
    assert result["List"][0]["LastUpdated"] == datetime(2024, 5, 1, 9, 30)
    assert result["List"][1]["ParentCode"] == "ABC"


def test_axis_style_multiref_elements() -> None:
    body = response(
        "GetSiteList",
        '<return href="#id0"/>',
        '<multiRef id="id0" SOAP-ENC:root="0" xsi:type="NS2:TSiteList">'
        '<List href="#id1"/><CurrentSiteID xsi:type="xsd:int">1</CurrentSiteID></multiRef>'
        '<multiRef id="id1" xsi:type="SOAP-ENC:Array" SOAP-ENC:arrayType="NS2:TSiteItem[1]">'
        '<item href="#id2"/></multiRef>'
        '<multiRef id="id2" xsi:type="NS2:TSiteItem"><SiteID>1</SiteID>'
        "<SiteName>Main Warehouse</SiteName></multiRef>",
    )
    assert decode_response("GetSiteList", body) == {
        "List": [{"SiteID": 1, "SiteName": "Main Warehouse"}],
        "CurrentSiteID": 1,
    }


@pytest.mark.parametrize(
    "list_element",
    [
        '<List xsi:type="SOAP-ENC:Array" SOAP-ENC:arrayType="NS2:TCompanyListItem[0]"/>',
        '<List xsi:type="SOAP-ENC:Array" SOAP-ENC:arrayType="NS2:TCompanyListItem[0]"></List>',
        '<List xsi:nil="true"/>',
        "",
    ],
)
def test_empty_arrays(list_element: str) -> None:
    body = response(
        "GetCompanyList",
        f'<return xsi:type="NS2:TCompanyList"><Count xsi:type="xsd:int">0</Count>{list_element}</return>',
    )
    assert decode_response("GetCompanyList", body) == {"Count": 0, "List": []}


def test_unknown_extra_fields_are_ignored() -> None:
    body = response(
        "ImportOrders",
        '<return xsi:type="NS2:TOrderImportResult">'
        '<ImportedCount xsi:type="xsd:int">1</ImportedCount>'
        '<BatchID xsi:type="xsd:int">77</BatchID>'
        '<OrderImport xsi:type="SOAP-ENC:Array" SOAP-ENC:arrayType="NS2:TOrderImport[1]">'
        '<item xsi:type="NS2:TOrderImport"><SalesOrderCode>SO1001</SalesOrderCode>'
        "<AssociatedRef>WEB-1</AssociatedRef><Msg/><URN>CUST01</URN><OtherRef>42</OtherRef>"
        "<Warehouse>North</Warehouse></item></OrderImport>"
        '<OrderSkipped xsi:type="SOAP-ENC:Array" SOAP-ENC:arrayType="NS2:TOrderSkipped[1]">'
        "<item><OrderRef>WEB-2</OrderRef><SkipReason>Duplicate associated ref</SkipReason></item>"
        "</OrderSkipped></return>"
        "<Elapsed>12</Elapsed>",
    )
    assert decode_response("ImportOrders", body) == {
        "ImportedCount": 1,
        "OrderImport": [
            {
                "SalesOrderCode": "SO1001",
                "AssociatedRef": "WEB-1",
                "Msg": "",
                "URN": "CUST01",
                "OtherRef": "42",
            }
        ],
        "OrderSkipped": [{"OrderRef": "WEB-2", "SkipReason": "Duplicate associated ref"}],
    }


DOCUMENT = '<?xml version="1.0"?>\n<STOCK_ITEMS><STOCK_ITEM><STOCK_DESC>Fish &amp; Chips \u00a3</STOCK_DESC></STOCK_ITEM></STOCK_ITEMS>'


def test_document_in_cdata_is_returned_unchanged() -> None:
    body = response("ExportStock", f'<return xsi:type="xsd:string"><![CDATA[{DOCUMENT}]]></return>')
    assert decode_response("ExportStock", body) == DOCUMENT


def test_escaped_document_is_returned_unchanged() -> None:
    escaped = DOCUMENT.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    body = response("ExportStock", f'<return xsi:type="xsd:string">{escaped}</return>')
    assert decode_response("ExportStock", body) == DOCUMENT


def test_untyped_unqualified_string_array() -> None:
    body = response(
        "GetSaleSource",
        '<return xsi:type="SOAP-ENC:Array" SOAP-ENC:arrayType="xsd:string[3]">'
        "<item>Web</item><item></item><item>Phone &amp; Post</item></return>",
    )
    assert decode_response("GetSaleSource", body) == ["Web", "", "Phone & Post"]


def test_compressed_result_data_is_base64() -> None:
    data = base64.b64encode(b"\x00\x01zip").decode()
    body = response(
        "ExportStockCompressed",
        '<return xsi:type="NS2:TCompressedResult"><Method>1</Method><FileName>stock.xml</FileName>'
        f'<Data xsi:type="xsd:base64Binary">{data[:4]}\n{data[4:]}</Data><OriginalSize>100</OriginalSize>'
        "<CompressedSize>5</CompressedSize><PasswordProtected>false</PasswordProtected></return>",
    )
    result = decode_response("ExportStockCompressed", body)
    assert result["Data"] == b"\x00\x01zip"
    assert result["Method"] == 1
    assert result["PasswordProtected"] is False


def test_qualified_return_element() -> None:
    body = response("GetVersion", '<NS2:return xsi:type="xsd:string">7.1.0.42</NS2:return>')
    assert decode_response("GetVersion", body) == "7.1.0.42"


FAULT = f"""{HEAD}<SOAP-ENV:Fault>{{inner}}</SOAP-ENV:Fault>{TAIL}"""


def test_delphi_fault_with_detail() -> None:
    body = FAULT.format(
        inner="<faultcode>SOAP-ENV:Server</faultcode>"
        "<faultstring>Access violation at address 004F2A1C</faultstring>"
        "<faultactor>EAccessViolation</faultactor>"
        '<detail><NS1:EAccessViolation xmlns:NS1="urn:InvokeRegistry">'
        "<ExceptionClassName>EAccessViolation</ExceptionClassName>"
        "<ExceptionInheritance>EExternal:Exception:TObject</ExceptionInheritance>"
        "</NS1:EAccessViolation></detail>"
    ).encode()
    with pytest.raises(SoapFault) as caught:
        decode_response("ExportStock", body)
    assert caught.value.fault_string == "Access violation at address 004F2A1C"
    assert caught.value.fault_code == "SOAP-ENV:Server"
    assert caught.value.exception_class == "EAccessViolation"
    assert caught.value.exception_inheritance == "EExternal:Exception:TObject"


def test_fault_without_detail_takes_the_class_from_faultactor() -> None:
    body = FAULT.format(
        inner="<faultcode>SOAP-ENV:Client</faultcode><faultstring>Bad</faultstring>"
        "<faultactor>EKosWebError</faultactor>"
    ).encode()
    with pytest.raises(SoapFault) as caught:
        decode_response("GetVersion", body)
    assert caught.value.exception_class == "EKosWebError"
    assert caught.value.exception_inheritance == ""


def test_fault_detail_element_names_the_class() -> None:
    body = FAULT.format(
        inner="<faultcode>SOAP-ENV:Server</faultcode><faultstring>Bad</faultstring>"
        '<detail><NS1:EOrderImport xmlns:NS1="urn:WebServiceP"/></detail>'
    ).encode()
    with pytest.raises(SoapFault) as caught:
        decode_response("GetVersion", body)
    assert caught.value.exception_class == "EOrderImport"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (response("GetVersion", ""), "no return"),
        (response("GetStockList", '<return xsi:type="xsd:string">x</return>'), "found text"),
        (response("GetStockList", '<return href="#9"/>'), "no matching id"),
        (
            response(
                "GetStockList", '<return href="#1"/>', '<x id="1" href="#2"/><y id="2" href="#1"/>'
            ),
            "loop",
        ),
        (response("GetStockList", "<return><Count>two</Count></return>"), "Count"),
        (response("GetVersion", "<return><b>bold</b></return>"), "child elements"),
        (response("ExportStock", "<return>cut short"), "not well-formed"),
        (f"{HEAD}{TAIL}".encode(), "ExportStockResponse"),
        (b"<html><body>Service Unavailable</body></html>", "not a SOAP"),
    ],
)
def test_malformed_or_unexpected_responses_are_protocol_errors(body: bytes, message: str) -> None:
    operation = "GetStockList" if b"GetStockList" in body else "ExportStock"
    if b"GetVersionResponse" in body:
        operation = "GetVersion"
    with pytest.raises(ProtocolError, match=message):
        decode_response(operation, body)


def test_response_with_doctype_is_refused() -> None:
    body = (
        b'<!DOCTYPE lolz [<!ENTITY lol "lol">]>'
        + response("GetVersion", "<return>&lol;</return>")[21:]
    )
    with pytest.raises(UnsafeDocumentError):
        decode_response("GetVersion", body)


def test_response_size_limit() -> None:
    with pytest.raises(UnsafeDocumentError):
        decode_response("GetVersion", response("GetVersion", "<return>x</return>"), max_bytes=100)
