"""Hand-written responses in the shape a Delphi KhaosWS server sends them."""

from __future__ import annotations

HEAD = (
    '<?xml version="1.0" encoding="utf-8"?>\n'
    '<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/" '
    'xmlns:xsd="http://www.w3.org/2001/XMLSchema" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    'xmlns:SOAP-ENC="http://schemas.xmlsoap.org/soap/encoding/">'
    '<SOAP-ENV:Body SOAP-ENV:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/">'
)
TAIL = "</SOAP-ENV:Body></SOAP-ENV:Envelope>"


def response(operation: str, inner: str, after: str = "") -> str:
    return (
        f'{HEAD}<NS1:{operation}Response xmlns:NS1="urn:IKosWebIntf-IKosWeb" '
        f'xmlns:NS2="urn:IKosWebIntf">{inner}</NS1:{operation}Response>{after}{TAIL}'
    )


STOCK_LIST_INLINE = response(
    "GetStockList",
    '<return xsi:type="NS2:TStockList">'
    '<Count xsi:type="xsd:int">2</Count>'
    '<List xsi:type="SOAP-ENC:Array" SOAP-ENC:arrayType="NS2:TStockListItem[2]">'
    '<item xsi:type="NS2:TStockListItem">'
    '<StockCode xsi:type="xsd:string">TSHIRT</StockCode>'
    '<OtherRef xsi:type="xsd:string">5012345678900</OtherRef>'
    '<StockDesc xsi:type="xsd:string">T-Shirt &amp; Badge</StockDesc>'
    '<ParentCode xsi:type="xsd:string"></ParentCode>'
    '<ParentOtherRef xsi:type="xsd:string"></ParentOtherRef>'
    '<LastUpdated xsi:type="xsd:dateTime">2024-06-01T14:05:09.120+01:00</LastUpdated>'
    "</item>"
    '<item xsi:type="NS2:TStockListItem">'
    '<StockCode xsi:type="xsd:string">TSHIRT-PNK-L</StockCode>'
    '<OtherRef xsi:type="xsd:string"></OtherRef>'
    '<StockDesc xsi:type="xsd:string">T-Shirt / Pink / L</StockDesc>'
    '<ParentCode xsi:type="xsd:string">TSHIRT</ParentCode>'
    '<ParentOtherRef xsi:type="xsd:string">5012345678900</ParentOtherRef>'
    '<LastUpdated xsi:type="xsd:dateTime">2024-06-01T14:05:10.000+01:00</LastUpdated>'
    "</item></List></return>",
)

COUNTRY_LIST_MULTIREF = response(
    "GetCountryList",
    '<return href="#1"/>',
    '<NS2:TCountryList xmlns:NS2="urn:IKosWebIntf" id="1" xsi:type="NS2:TCountryList">'
    '<Count xsi:type="xsd:int">2</Count><List href="#2"/></NS2:TCountryList>'
    '<SOAP-ENC:Array xmlns:NS2="urn:IKosWebIntf" id="2" SOAP-ENC:arrayType="NS2:TCountryItem[2]">'
    '<item href="#3"/><item href="#4"/></SOAP-ENC:Array>'
    '<multiRef id="3" xsi:type="NS2:TCountryItem">'
    "<CountryName>United Kingdom</CountryName><CountryCode2>GB</CountryCode2>"
    "<CountryCode3>GBR</CountryCode3><EUMember>false</EUMember><PaysVAT>-1</PaysVAT>"
    "<CurrencyName>Pounds Sterling</CurrencyName><CurrencyCode>GBP</CurrencyCode>"
    "<Zone>UK</Zone></multiRef>"
    '<multiRef id="4" xsi:type="NS2:TCountryItem">'
    "<CountryName>Ireland</CountryName><CountryCode2>IE</CountryCode2>"
    "<CountryCode3>IRL</CountryCode3><EUMember>true</EUMember><PaysVAT>0</PaysVAT>"
    "<CurrencyName>Euro</CurrencyName><CurrencyCode>EUR</CurrencyCode>"
    "<Zone>Europe</Zone></multiRef>",
)

COMPANY_LIST_EMPTY = response(
    "GetCompanyList",
    '<return xsi:type="NS2:TCompanyList"><Count xsi:type="xsd:int">0</Count>'
    '<List xsi:type="SOAP-ENC:Array" SOAP-ENC:arrayType="NS2:TCompanyListItem[0]"/></return>',
)

ORDER_IMPORT_WITH_EXTRA_FIELD = response(
    "ImportOrders",
    '<return xsi:type="NS2:TOrderImportResult">'
    '<ImportedCount xsi:type="xsd:int">1</ImportedCount>'
    '<OrderImport xsi:type="SOAP-ENC:Array" SOAP-ENC:arrayType="NS2:TOrderImport[1]">'
    '<item xsi:type="NS2:TOrderImport">'
    '<SalesOrderCode xsi:type="xsd:string">SO0001234</SalesOrderCode>'
    '<AssociatedRef xsi:type="xsd:string">WEB100045</AssociatedRef>'
    '<Msg xsi:type="xsd:string"></Msg>'
    '<URN xsi:type="xsd:string">SMITH01</URN>'
    '<OtherRef xsi:type="xsd:string">cust-77</OtherRef>'
    '<ImportBatchGUID xsi:type="xsd:string">{6F1C-22}</ImportBatchGUID>'
    "</item></OrderImport>"
    '<OrderSkipped xsi:type="SOAP-ENC:Array" SOAP-ENC:arrayType="NS2:TOrderSkipped[1]">'
    '<item xsi:type="NS2:TOrderSkipped">'
    '<OrderRef xsi:type="xsd:string">WEB100046</OrderRef>'
    '<SkipReason xsi:type="xsd:string">Stock item DISC1 is discontinued</SkipReason>'
    "</item></OrderSkipped>"
    '<Warnings xsi:type="xsd:int">0</Warnings>'
    "</return>",
)

SALE_SOURCES = response(
    "GetSaleSource",
    '<return xsi:type="SOAP-ENC:Array" SOAP-ENC:arrayType="xsd:string[3]">'
    '<item xsi:type="xsd:string">Web</item><item xsi:type="xsd:string">Telephone</item>'
    '<item xsi:type="xsd:string"></item></return>',
)

STOCK_POTENTIAL = response(
    "GetStockPotential",
    '<return xsi:type="SOAP-ENC:Array" SOAP-ENC:arrayType="NS2:TStockPotential[1]">'
    '<item xsi:type="NS2:TStockPotential"><StockCode xsi:type="xsd:string">TSHIRT-PNK-L</StockCode>'
    '<Available xsi:type="xsd:double">4</Available><OnOrder xsi:type="xsd:double">10</OnOrder>'
    '<BackOrder xsi:type="xsd:double">1.5</BackOrder><Potential xsi:type="xsd:double">12.5</Potential>'
    "</item></return>",
)

FAULT = (
    f"{HEAD}<SOAP-ENV:Fault>"
    "<faultcode>SOAP-ENV:Server</faultcode>"
    "<faultstring>Order WEB100046: stock item DISC1 is discontinued</faultstring>"
    "<faultactor>EKosWebImport</faultactor>"
    '<detail><NS1:EKosWebImport xmlns:NS1="urn:InvokeRegistry" xsi:type="NS1:EKosWebImport">'
    "<ExceptionClassName>EKosWebImport</ExceptionClassName>"
    "<ExceptionInheritance>ERemotableException:Exception:TObject</ExceptionInheritance>"
    "</NS1:EKosWebImport></detail>"
    f"</SOAP-ENV:Fault>{TAIL}"
)

IIS_ERROR_PAGE = (
    "<!DOCTYPE html><html><head><title>500 - Internal server error.</title></head>"
    "<body><h2>500 - Internal server error.</h2>"
    "<p>There is a problem with the resource you are looking for.</p></body></html>"
)


def document_result(operation: str, escaped_document: str) -> str:
    return response(operation, f'<return xsi:type="xsd:string">{escaped_document}</return>')
