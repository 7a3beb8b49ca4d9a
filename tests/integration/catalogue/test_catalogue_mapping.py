"""mapping.md §1 on hand-written exports, through both ways in: files and the simulator."""

from __future__ import annotations

from decimal import Decimal

import pytest
from oscar.core.loading import get_model

from khaos_sync.simulator.runner import run_in_thread
from khaos_sync.sync.catalogue.flow import import_stock_files, sync_catalogue_once
from khaos_sync.sync.catalogue.models import BundleComponent
from tests.integration.catalogue.stock_documents import HEADINGS, write_catalogue

Product = get_model("catalogue", "Product")
pytestmark = pytest.mark.django_db(transaction=True)

COMPARED = ("stock_id", "sku", "name", "summary", "price_incl_tax", "vat_rate", "tags",
            "published", "khaos_deleted", "shown")  # fmt: skip


@pytest.fixture
def catalogue_file(tmp_path):
    return write_catalogue(tmp_path / "export.xml")


@pytest.fixture(params=["files", "simulator"])
def synced(request, catalogue_file, tmp_path, dump_by_sku):
    if request.param == "files":
        run = import_stock_files([catalogue_file])
    else:
        with run_in_thread(tmp_path / "sim.sqlite3", catalogue=[catalogue_file]) as sim:
            run = sync_catalogue_once(full=True, url=sim.url)
    assert run.failed == 0, run.error
    return dump_by_sku()


def test_name_summary_and_price_rules(synced):
    book = synced["BOOK-1"]
    assert book["name"] == "Dragonlance Chronicles"  # trimmed
    assert book["summary"] == "Epic fantasy & more"
    assert book["price_incl_tax"] == "12.00"  # net 10.00 + 20% VAT
    assert book["vat_rate"] == "20"
    tea = synced["TEA-1"]
    assert (tea["price_incl_tax"], tea["vat_rate"]) == ("4.99", "5")  # web price, gross
    assert synced["ODD-1"]["price_incl_tax"] == "5.00"  # 4.1625 × 1.2 = 4.995 → half up


def test_udas_become_tags(synced):
    assert synced["BOOK-1"]["tags"] == sorted(
        [
            "Author: Margaret Weis",
            "Published: 2008-12-31",
            "Hardback",
            "Pages: 512",
            "Formats: Paper",
            "Formats: Audio",
            "Genre: Fantasy",
        ]
    )


@pytest.mark.parametrize("levels", [1, 2, 3, 4])
def test_scs_levels_become_variants_with_one_option_per_heading(synced, levels):
    parent = synced[f"SCS{levels}"]
    assert parent["price_incl_tax"] is None
    assert len(parent["variants"]) == 2
    headings = set(HEADINGS[-levels:])
    for variant in parent["variants"]:
        assert set(variant["options"]) == headings
        assert variant["price_incl_tax"] == "12.00"  # inherits the parent's IS_NET
    innermost = HEADINGS[-1]  # the deepest STYLE level holds the variants
    assert sorted(v["options"][innermost] for v in parent["variants"]) == ["Blue", "Red"]


def test_new_products_are_unpublished_drafts_and_deleted_ones_hidden(synced):
    assert all(not row["published"] and not row["shown"] for row in synced.values())
    assert synced["GONE-1"]["khaos_deleted"] is True
    assert synced["BOOK-1"]["khaos_deleted"] is False


def test_description_is_sanitised_and_pack_components_recorded(synced):
    description = Product.objects.get(upc="BOOK-1").description
    assert "<b>read</b>" in description
    assert "script" not in description and "onclick" not in description
    components = BundleComponent.objects.filter(bundle__stock_code="PACK-1")
    assert {(c.component_code, c.quantity) for c in components} == {
        ("BOOK-1", Decimal("2")),
        ("TEA-1", Decimal("1")),
    }


def test_both_ways_in_give_the_same_catalogue(catalogue_file, tmp_path, dump_by_sku):
    import_stock_files([catalogue_file])
    from_files = dump_by_sku()
    Product.objects.all().delete()
    with run_in_thread(tmp_path / "sim.sqlite3", catalogue=[catalogue_file]) as sim:
        sync_catalogue_once(full=True, url=sim.url)
    from_simulator = dump_by_sku()
    assert from_files.keys() == from_simulator.keys()
    for sku, row in from_files.items():
        assert {k: row[k] for k in COMPARED} == {k: from_simulator[sku][k] for k in COMPARED}


def test_later_file_wins_for_the_same_stock_id(tmp_path, catalogue_file, dump_by_sku):
    later = catalogue_file.read_text(encoding="utf-8").replace(
        "Dragonlance Chronicles", "Dragonlance Legends"
    )
    second = write_catalogue(tmp_path / "later.xml", later)
    import_stock_files([catalogue_file, second])
    assert dump_by_sku()["BOOK-1"]["name"] == "Dragonlance Legends"
