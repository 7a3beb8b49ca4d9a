"""SOAP answers written by hand the way Delphi (and other SOAP-encoded servers) write them."""

from __future__ import annotations

HEAD = """<?xml version="1.0" encoding="utf-8"?>
<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/"
    xmlns:xsd="http://www.w3.org/2001/XMLSchema"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    xmlns:SOAP-ENC="http://schemas.xmlsoap.org/soap/encoding/">
<SOAP-ENV:Body SOAP-ENV:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/">"""
TAIL = "</SOAP-ENV:Body></SOAP-ENV:Envelope>"


def response(operation: str, inner: str, after: str = "") -> bytes:
    return (
        f'{HEAD}<NS1:{operation}Response xmlns:NS1="urn:IKosWebIntf-IKosWeb" '
        f'xmlns:NS2="urn:IKosWebIntf">{inner}</NS1:{operation}Response>{after}{TAIL}'
    ).encode()


# A GetStockList answer as Delphi writes it: the struct and each entry as
# multi-reference elements, the array inline.
DELPHI_STOCK_LIST = response(
    "GetStockList",
    '<return href="#1"/>',
    '<NS2:TStockList xmlns:NS2="urn:IKosWebIntf" id="1" xsi:type="NS2:TStockList">'
    '<Count xsi:type="xsd:int">2</Count>'
    '<List xsi:type="SOAP-ENC:Array" SOAP-ENC:arrayType="NS2:TStockListItem[2]">'
    '<item href="#2"/><item href="#3"/></List></NS2:TStockList>'
    '<NS2:TStockListItem xmlns:NS2="urn:IKosWebIntf" id="2" xsi:type="NS2:TStockListItem">'
    '<StockCode xsi:type="xsd:string">ABC</StockCode>'
    '<OtherRef xsi:type="xsd:string"></OtherRef>'
    '<LastUpdated xsi:type="xsd:dateTime">2024-05-01T09:30:00.000+01:00</LastUpdated>'
    "</NS2:TStockListItem>"
    '<NS2:TStockListItem xmlns:NS2="urn:IKosWebIntf" id="3" xsi:type="NS2:TStockListItem">'
    '<StockCode xsi:type="xsd:string">ABC-RED</StockCode>'
    '<ParentCode xsi:type="xsd:string">ABC</ParentCode>'
    "</NS2:TStockListItem>",
)
