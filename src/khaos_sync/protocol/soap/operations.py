"""The IKosWeb interface as data: every operation, its parameters and result type.

Both sides of the transport read this one table: the client encodes requests
and decodes results from it, the server side checks incoming requests against
it, and the WSDL describes the same operations. Parameter names and order are
the ones Khaos publishes; types follow the Delphi interface (``Integer`` ->
``xsd:int``, ``TXSDateTime`` -> ``xsd:dateTime``, ``TByteDynArray`` ->
``xsd:base64Binary``).

Where the published method table leaves a parameter list open ("see samples"),
the names below are our best reading of the KSDXML sample each method takes;
they are marked ``# assumed`` so they are easy to revisit against a live WSDL.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal, TypeAlias

INTERFACE_NAMESPACE = "urn:IKosWebIntf-IKosWeb"
# Delphi puts the interface's types in the namespace of the unit that declares them.
TYPES_NAMESPACE = "urn:IKosWebIntf"

Scalar: TypeAlias = Literal["string", "int", "boolean", "double", "dateTime", "base64Binary"]
SCALARS: frozenset[str] = frozenset(
    ("string", "int", "boolean", "double", "dateTime", "base64Binary")
)


@dataclass(frozen=True)
class ArrayOf:
    """A SOAP-encoded array (``SOAP-ENC:Array``) of one item type."""

    item: TypeRef


@dataclass(frozen=True)
class Struct:
    """A Delphi ``TRemotable`` class: named fields in a fixed order."""

    name: str
    fields: tuple[tuple[str, TypeRef], ...]

    def field_names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.fields)


TypeRef: TypeAlias = Scalar | ArrayOf | Struct


@dataclass(frozen=True)
class Param:
    name: str
    type: Scalar
    # Secret values (passwords) are never logged or echoed.
    secret: bool = False


@dataclass(frozen=True)
class Operation:
    name: str
    params: tuple[Param, ...]
    result: TypeRef
    # True when the string result is a whole KSDXML document.
    returns_document: bool = False

    @property
    def soap_action(self) -> str:
        return f"{INTERFACE_NAMESPACE}#{self.name}"

    @property
    def response_name(self) -> str:
        return f"{self.name}Response"

    def param_names(self) -> tuple[str, ...]:
        return tuple(param.name for param in self.params)

    def param(self, name: str) -> Param | None:
        return next((param for param in self.params if param.name == name), None)


class UnknownOperationError(LookupError):
    """The name is not an operation of IKosWeb."""

    def __init__(self, name: str) -> None:
        super().__init__(
            f"unknown Khaos operation {name!r}; valid operations: {', '.join(sorted(OPERATIONS))}"
        )
        self.name = name


def _struct(name: str, *fields: tuple[str, TypeRef]) -> Struct:
    return Struct(name, tuple(fields))


STRING_ARRAY = ArrayOf("string")

SITE = _struct("TSiteItem", ("SiteID", "int"), ("SiteName", "string"))
SITE_LIST = _struct("TSiteList", ("List", ArrayOf(SITE)), ("CurrentSiteID", "int"))

COUNTRY = _struct(
    "TCountryItem",
    ("CountryName", "string"),
    ("CountryCode2", "string"),
    ("CountryCode3", "string"),
    ("EUMember", "boolean"),
    ("PaysVAT", "boolean"),
    ("CurrencyName", "string"),
    ("CurrencyCode", "string"),
    ("Zone", "string"),
)
COUNTRY_LIST = _struct("TCountryList", ("Count", "int"), ("List", ArrayOf(COUNTRY)))

STOCK_LIST_ITEM = _struct(
    "TStockListItem",
    ("StockCode", "string"),
    ("OtherRef", "string"),
    ("StockDesc", "string"),
    ("ParentCode", "string"),
    ("ParentOtherRef", "string"),
    ("LastUpdated", "dateTime"),
)
STOCK_LIST = _struct("TStockList", ("Count", "int"), ("List", ArrayOf(STOCK_LIST_ITEM)))

COMPRESSED_RESULT = _struct(
    "TCompressedResult",
    ("Method", "int"),
    ("FileName", "string"),
    ("Data", "base64Binary"),
    ("OriginalSize", "int"),
    ("CompressedSize", "int"),
    ("PasswordProtected", "boolean"),
)

STOCK_POTENTIAL = _struct(
    "TStockPotential",
    ("StockID", "int"),
    ("StockCode", "string"),
    ("Available", "double"),
    ("OnOrder", "double"),
    ("BackOrder", "double"),
    ("Potential", "double"),
)

ORDER_IMPORT = _struct(
    "TOrderImport",
    ("SalesOrderCode", "string"),
    ("AssociatedRef", "string"),
    ("Msg", "string"),
    ("URN", "string"),
    ("OtherRef", "string"),
)
ORDER_SKIPPED = _struct("TOrderSkipped", ("OrderRef", "string"), ("SkipReason", "string"))
ORDER_IMPORT_RESULT = _struct(
    "TOrderImportResult",
    ("ImportedCount", "int"),
    ("OrderImport", ArrayOf(ORDER_IMPORT)),
    ("OrderSkipped", ArrayOf(ORDER_SKIPPED)),
)

COMPANY_LIST_ITEM = _struct(
    "TCompanyListItem",
    ("CompanyCode", "string"),
    ("OtherRef", "string"),
    ("LastUpdated", "dateTime"),
)
COMPANY_LIST = _struct("TCompanyList", ("Count", "int"), ("List", ArrayOf(COMPANY_LIST_ITEM)))


def _op(name: str, *params: tuple[str, Scalar], result: TypeRef = "string") -> Operation:
    return Operation(name, tuple(Param(n, t) for n, t in params), result)


def _doc(name: str, *params: tuple[str, Scalar]) -> Operation:
    return Operation(name, tuple(Param(n, t) for n, t in params), "string", returns_document=True)


_STOCK_SELECTION: tuple[tuple[str, Scalar], ...] = (
    ("StockCode", "string"),
    ("MappingType", "int"),
    ("LastUpdated", "dateTime"),
)
_STOCK_LIST_FILTER: tuple[tuple[str, Scalar], ...] = (
    ("DateType", "int"),
    ("DateValue", "dateTime"),
    ("StockItemType", "int"),
)
_COMPRESSION: tuple[str, Scalar] = ("CompressionMethod", "int")

_TABLE: tuple[Operation, ...] = (
    _op("GetVersion"),
    _op("GetSiteList", result=SITE_LIST),
    _op("GetSaleSource", result=STRING_ARRAY),
    _op("GetCompanyClass", ("CompanyClassType", "int"), result=STRING_ARRAY),
    _op("GetCompanyStatus", result=STRING_ARRAY),
    _op("GetManufacturer", result=STRING_ARRAY),
    _op("GetAgentList", result=STRING_ARRAY),
    _op("GetPriceLists", result=STRING_ARRAY),
    _op("GetKeycodeTypes", result=STRING_ARRAY),
    _op("GetCountryList", result=COUNTRY_LIST),
    _op("GetStockList", *_STOCK_LIST_FILTER, result=STOCK_LIST),
    _op("GetStockListCompressed", *_STOCK_LIST_FILTER, _COMPRESSION, result=COMPRESSED_RESULT),
    _doc("ExportStock", *_STOCK_SELECTION),
    _op("ExportStockCompressed", *_STOCK_SELECTION, _COMPRESSION, result=COMPRESSED_RESULT),
    _doc(
        "ExportStockStatus",
        *_STOCK_SELECTION,
        ("SiteID", "int"),
        ("PotentialLeadTime", "boolean"),
    ),
    _op(
        "GetStockPotential",
        ("StockCode", "string"),
        ("MappingType", "int"),
        result=ArrayOf(STOCK_POTENTIAL),
    ),
    _doc("ExportWebCategories", ("Website", "string")),
    _op(
        "ExportWebCategoriesCompressed",
        ("Website", "string"),
        _COMPRESSION,
        result=COMPRESSED_RESULT,
    ),
    _doc(
        "ExportWebCategoriesEx2",
        ("WebsiteName", "string"),
        ("WebsiteID", "int"),
        ("WebNodeID", "int"),
        ("IncludeItems", "boolean"),
    ),
    _op("ImportOrders", ("Orders", "string"), result=ORDER_IMPORT_RESULT),
    _doc("ExportOrderStatus"),
    _doc(
        "ExportOrderStatusEx",
        ("IDs", "string"),
        ("MappingType", "int"),
        ("WebOnly", "boolean"),
        ("ConfirmedOnly", "boolean"),
        ("IncludeTracking", "boolean"),
        ("IncludeCancelled", "boolean"),
        ("DateFrom", "dateTime"),
        ("DateTo", "dateTime"),
        ("InvoiceStageIDs", "string"),
        ("ShowItems", "boolean"),
    ),
    _doc("ExportOrders", ("OrderCode", "string"), ("MappingType", "int")),
    _op(
        "GetCompanyList",
        ("LastUpdated", "dateTime"),
        ("CompanyClassList", "string"),
        result=COMPANY_LIST,
    ),
    _doc(
        "ExportCompany",
        ("CompanyCode", "string"),
        ("MappingType", "int"),
        ("LastUpdated", "dateTime"),
    ),
    _doc(
        "GetDeletedEntries",
        ("DateFrom", "dateTime"),
        ("DateTo", "dateTime"),
        ("DocumentType", "int"),
        ("ObjectID", "int"),
    ),
    _op("ImportCompany", ("Customers", "string"), ("Method", "int")),
    Operation(
        "Login",
        (Param("UserName", "string"), Param("UserPassword", "string", secret=True)),
        "string",
    ),
    _op("ImportCatalogueRequest", ("Requests", "string")),  # assumed
    _op("ImportStockStatus", ("StockStatus", "string")),  # assumed
    _doc("ExportPriceList", ("PriceList", "string")),
    _doc("ExportPriceListEx", ("PriceList", "string"), ("LastUpdated", "dateTime")),  # assumed
    _op("ImportPriceLists", ("PriceLists", "string")),  # assumed
    _doc("GetKeycodes"),  # assumed: a document, like the KEYCODES part of GetSOPData
    _doc("GetSOPData", ("DataTypes", "string")),  # assumed
)

OPERATIONS: dict[str, Operation] = {operation.name: operation for operation in _TABLE}


def get_operation(name: str) -> Operation:
    """Return the operation called ``name`` or raise UnknownOperationError."""
    try:
        return OPERATIONS[name]
    except KeyError:
        raise UnknownOperationError(name) from None


def iter_structs(type_ref: TypeRef) -> Iterator[Struct]:
    """Yield every struct reachable from ``type_ref`` (the WSDL declares each once)."""
    if isinstance(type_ref, ArrayOf):
        yield from iter_structs(type_ref.item)
    elif isinstance(type_ref, Struct):
        yield type_ref
        for _, field_type in type_ref.fields:
            yield from iter_structs(field_type)


def type_name(type_ref: TypeRef) -> str:
    """The qualified-name suffix used for ``xsi:type`` and ``arrayType``."""
    if isinstance(type_ref, Struct):
        return type_ref.name
    if isinstance(type_ref, ArrayOf):
        return f"ArrayOf{type_name(type_ref.item)}"
    return type_ref
