"""Every operation of the table survives both directions of the codec."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from khaos_sync.protocol.errors import SoapFault
from khaos_sync.protocol.soap import (
    OPERATIONS,
    decode_request,
    decode_response,
    encode_fault,
    encode_request,
    encode_response,
)
from khaos_sync.protocol.soap.envelope import SOAP_ENC, SOAP_ENV, XSI

from .samples import XML_TEXT, sample_value, values_of

ALL_OPERATIONS = sorted(OPERATIONS)


@pytest.mark.parametrize("operation", ALL_OPERATIONS)
def test_request_round_trip(operation: str) -> None:
    definition = OPERATIONS[operation]
    params = {param.name: sample_value(param.type) for param in definition.params}
    body = encode_request(operation, params)
    request = decode_request(body, f'"{definition.soap_action}"')
    assert request.operation == operation
    assert request.params == params


@pytest.mark.parametrize("arrays", ["inline", "multiref"])
@pytest.mark.parametrize("operation", ALL_OPERATIONS)
def test_response_round_trip(operation: str, arrays: Any) -> None:
    result = sample_value(OPERATIONS[operation].result)
    body = encode_response(operation, result, arrays=arrays)
    assert decode_response(operation, body) == result


@pytest.mark.parametrize("operation", ALL_OPERATIONS)
def test_every_parameter_carries_its_xsi_type(operation: str) -> None:
    definition = OPERATIONS[operation]
    params = {param.name: sample_value(param.type) for param in definition.params}
    root = etree.fromstring(encode_request(operation, params))
    body = root.find(f"{{{SOAP_ENV}}}Body")
    assert body is not None
    assert body.get(f"{{{SOAP_ENV}}}encodingStyle") == SOAP_ENC
    call = body[0]
    assert etree.QName(call).namespace == "urn:IKosWebIntf-IKosWeb"
    assert etree.QName(call).localname == operation
    assert [(child.tag, child.get(f"{{{XSI}}}type")) for child in call] == [
        (param.name, f"xsd:{param.type}") for param in definition.params
    ]


def test_parameters_not_given_are_left_out_and_read_back_as_none() -> None:
    body = encode_request("ExportStock", {"StockCode": "A1", "LastUpdated": None})
    assert b"LastUpdated" not in body
    assert b"MappingType" not in body
    request = decode_request(body, None)
    assert request.params == {"StockCode": "A1", "MappingType": None, "LastUpdated": None}


def test_empty_strings_round_trip_as_empty_strings() -> None:
    body = encode_response(
        "GetStockList", {"Count": 1, "List": [{"StockCode": "", "OtherRef": ""}]}
    )
    item = decode_response("GetStockList", body)["List"][0]
    assert item["StockCode"] == ""
    assert item["OtherRef"] == ""
    assert item["StockDesc"] is None


def test_empty_arrays_round_trip() -> None:
    for arrays in ("inline", "multiref"):
        body = encode_response("GetStockList", {"Count": 0, "List": []}, arrays=arrays)  # type: ignore[arg-type]
        assert b"TStockListItem[0]" in body
        assert decode_response("GetStockList", body) == {"Count": 0, "List": []}


@given(XML_TEXT)
def test_any_text_round_trips_as_a_document_result(text: str) -> None:
    assert decode_response("ExportStock", encode_response("ExportStock", text)) == text


@given(XML_TEXT)
def test_any_text_round_trips_as_a_request_parameter(text: str) -> None:
    request = decode_request(encode_request("ImportOrders", {"Orders": text}), None)
    assert request.params["Orders"] == text


def test_whole_documents_round_trip_unchanged() -> None:
    document = (
        '<?xml version="1.0" encoding="utf-8"?>\n<STOCK_ITEMS><STOCK_ITEM>'
        "<STOCK_DESC><![CDATA[Fish & Chips <large> \u00a3]]></STOCK_DESC>"
        "</STOCK_ITEM></STOCK_ITEMS>"
    )
    assert decode_response("ExportStock", encode_response("ExportStock", document)) == document


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({}, ("SOAP-ENV:Server", "ERemotableException", "ERemotableException:Exception:TObject")),
        (
            {
                "fault_code": "SOAP-ENV:Client",
                "exception_class": "EKosWebError",
                "exception_inheritance": "EKosWebError:ERemotableException:Exception:TObject",
            },
            (
                "SOAP-ENV:Client",
                "EKosWebError",
                "EKosWebError:ERemotableException:Exception:TObject",
            ),
        ),
    ],
)
def test_fault_round_trip(kwargs: dict[str, str], expected: tuple[str, str, str]) -> None:
    body = encode_fault("Stock item <X1> is discontinued & cannot be sold", **kwargs)
    with pytest.raises(SoapFault) as caught:
        decode_response("ImportOrders", body)
    fault = caught.value
    assert fault.fault_string == "Stock item <X1> is discontinued & cannot be sold"
    assert (fault.fault_code, fault.exception_class, fault.exception_inheritance) == expected
    assert not fault.retryable


def test_fault_is_shaped_like_delphi() -> None:
    root = etree.fromstring(encode_fault("boom", exception_class="EKosWebError"))
    fault = root.find(f"{{{SOAP_ENV}}}Body/{{{SOAP_ENV}}}Fault")
    assert fault is not None
    assert [child.tag for child in fault] == ["faultcode", "faultstring", "faultactor", "detail"]
    assert fault.findtext("faultactor") == "EKosWebError"
    exception = fault.find("detail")[0]  # type: ignore[index]
    assert exception.tag == "{urn:InvokeRegistry}EKosWebError"
    assert exception.findtext("ExceptionClassName") == "EKosWebError"
    assert exception.findtext("ExceptionInheritance")


def test_results_are_checked_against_the_struct() -> None:
    with pytest.raises(ValueError, match="Counts"):
        encode_response("GetStockList", {"Counts": 1})
    with pytest.raises(ValueError, match="list"):
        encode_response("GetSaleSource", "not a list")


def test_text_xml_cannot_carry_is_refused_clearly() -> None:
    with pytest.raises(ValueError, match="XML cannot carry"):
        encode_request("ImportOrders", {"Orders": "bell \x07"})
    with pytest.raises(ValueError, match="XML cannot carry"):
        encode_response("ExportStock", "bell \x07")


STRUCT_OPERATIONS = sorted(
    name for name, op in OPERATIONS.items() if not isinstance(op.result, str)
)


@settings(max_examples=25, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
@pytest.mark.parametrize("arrays", ["inline", "multiref"])
@pytest.mark.parametrize("operation", STRUCT_OPERATIONS)
def test_any_structured_result_round_trips(
    operation: str, arrays: Any, data: st.DataObject
) -> None:
    result = data.draw(values_of(OPERATIONS[operation].result))
    assert decode_response(operation, encode_response(operation, result, arrays=arrays)) == result


@settings(max_examples=25)
@given(data=st.data())
@pytest.mark.parametrize("operation", ALL_OPERATIONS)
def test_any_request_round_trips(operation: str, data: st.DataObject) -> None:
    definition = OPERATIONS[operation]
    params = {
        param.name: data.draw(st.none() | values_of(param.type)) for param in definition.params
    }
    decoded = decode_request(encode_request(operation, params), definition.soap_action)
    assert decoded.params == params


def test_typed_records_can_be_answered_directly() -> None:
    from datetime import datetime

    from khaos_sync.protocol.results import StockList, StockListEntry

    record = StockList(1, (StockListEntry("A1", last_updated=datetime(2024, 1, 1)),))
    decoded = decode_response("GetStockList", encode_response("GetStockList", record))
    assert StockList.from_wire(decoded) == record
