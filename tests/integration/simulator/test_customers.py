"""Customers, deleted entries and price lists."""

from __future__ import annotations

from khaos_sync.protocol.client import KhaosClient
from khaos_sync.protocol.xmlsafe import parse_document
from khaos_sync.simulator import RunningSimulator


def test_company_list_and_export(sim: RunningSimulator, client: KhaosClient) -> None:
    listing = client.get_company_list()
    retail = client.get_company_list(company_class_list="Retail")
    codes = ",".join(entry.company_code for entry in listing.entries[:3])

    companies = parse_document(client.export_company(company_code=codes))

    assert listing.count == sim.store.query("SELECT COUNT(*) FROM customers")[0][0]
    assert 0 < retail.count < listing.count
    assert [c.findtext("COMPANY_CODE") for c in companies] == codes.split(",")


def test_customers_include_the_ones_a_shop_must_not_import(client: KhaosClient) -> None:
    companies = parse_document(client.export_company()).findall("COMPANY")

    assert any(c.findtext("SUPPLIER") == "-1" for c in companies)
    assert {c.findtext("MAILING_STATUS") for c in companies} >= {"6", "7", "8"}
    emails = [c.findtext("ADDRESSES/ADDRESS/EMAIL") or "" for c in companies]
    assert "" in emails
    assert len({e for e in emails if e}) < len([e for e in emails if e])  # duplicates


def test_export_company_by_other_ref_and_web_user(
    sim: RunningSimulator, client: KhaosClient
) -> None:
    customer = sim.store.customers_where("other_ref != '' AND web_user != '' LIMIT 1")[0]

    by_ref = parse_document(client.export_company(company_code=customer.other_ref, mapping_type=2))
    by_user = parse_document(
        client.export_company(company_code=customer.web_user.upper(), mapping_type=3)
    )

    assert by_ref.findtext("COMPANY/COMPANY_CODE") == customer.code
    assert by_user.findtext("COMPANY/COMPANY_CODE") == customer.code


def test_deleted_entries_report_merges(client: KhaosClient) -> None:
    entries = parse_document(client.get_deleted_entries()).findall("DELETED_ENTRY")

    assert any(e.findtext("ADDITIONAL_REF") for e in entries)
    assert any(not e.findtext("ADDITIONAL_REF") for e in entries)
    assert all(e.findtext("DOCUMENT_TYPE") == "5" for e in entries)


def test_price_lists(client: KhaosClient) -> None:
    default = parse_document(client.export_price_list())
    trade = parse_document(client.export_price_list(price_list="Trade"))

    group = default.find("StockItem-CustomerClassificationsList/StockItem-CustomerClassifications")
    assert group is not None and group.get("CompClass") == "Internet"
    breaks = trade.findall(".//StockItem")
    assert {b.findtext("QtyStart") for b in breaks} == {"1", "10"}
