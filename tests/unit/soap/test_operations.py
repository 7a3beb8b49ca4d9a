from __future__ import annotations

import pytest

from khaos_sync.protocol.soap.operations import (
    COMPRESSED_RESULT,
    OPERATIONS,
    STOCK_LIST,
    ArrayOf,
    UnknownOperationError,
    get_operation,
)

PUBLISHED_OPERATIONS = """
GetVersion GetSiteList GetSaleSource GetCompanyClass GetCompanyStatus GetManufacturer
GetAgentList GetPriceLists GetKeycodeTypes GetCountryList GetStockList GetStockListCompressed
ExportStock ExportStockCompressed ExportStockStatus GetStockPotential ExportWebCategories
ExportWebCategoriesCompressed ExportWebCategoriesEx2 ImportOrders ExportOrderStatus
ExportOrderStatusEx ExportOrders GetCompanyList ExportCompany GetDeletedEntries ImportCompany
Login ImportCatalogueRequest ImportStockStatus ExportPriceList ExportPriceListEx
ImportPriceLists GetKeycodes GetSOPData
""".split()


def test_table_holds_exactly_the_published_operations() -> None:
    assert sorted(OPERATIONS) == sorted(PUBLISHED_OPERATIONS)


@pytest.mark.parametrize(
    ("operation", "params"),
    [
        ("GetStockList", ["DateType", "DateValue", "StockItemType"]),
        ("ExportStock", ["StockCode", "MappingType", "LastUpdated"]),
        (
            "ExportStockStatus",
            ["StockCode", "MappingType", "LastUpdated", "SiteID", "PotentialLeadTime"],
        ),
        ("ImportOrders", ["Orders"]),
        (
            "ExportOrderStatusEx",
            [
                "IDs",
                "MappingType",
                "WebOnly",
                "ConfirmedOnly",
                "IncludeTracking",
                "IncludeCancelled",
                "DateFrom",
                "DateTo",
                "InvoiceStageIDs",
                "ShowItems",
            ],
        ),
        ("GetCompanyList", ["LastUpdated", "CompanyClassList"]),
        ("GetDeletedEntries", ["DateFrom", "DateTo", "DocumentType", "ObjectID"]),
        ("Login", ["UserName", "UserPassword"]),
        ("GetVersion", []),
    ],
)
def test_parameter_names_and_order_follow_the_published_table(
    operation: str, params: list[str]
) -> None:
    assert list(get_operation(operation).param_names()) == params


def test_compressed_operations_take_the_compression_method_last_and_return_the_struct() -> None:
    compressed = [op for name, op in OPERATIONS.items() if name.endswith("Compressed")]
    assert len(compressed) == 3
    for operation in compressed:
        assert operation.params[-1].name == "CompressionMethod"
        assert operation.result == COMPRESSED_RESULT


def test_stock_list_struct_shape() -> None:
    assert STOCK_LIST.field_names() == ("Count", "List")
    items = STOCK_LIST.fields[1][1]
    assert isinstance(items, ArrayOf)


def test_soap_action_is_namespace_hash_method() -> None:
    assert get_operation("ExportStock").soap_action == "urn:IKosWebIntf-IKosWeb#ExportStock"


def test_only_the_login_password_is_secret() -> None:
    secrets = [(op.name, p.name) for op in OPERATIONS.values() for p in op.params if p.secret]
    assert secrets == [("Login", "UserPassword")]


def test_unknown_operation_lists_the_valid_ones() -> None:
    with pytest.raises(UnknownOperationError, match="ExportStock") as caught:
        get_operation("ExportStocks")
    assert isinstance(caught.value, LookupError)
