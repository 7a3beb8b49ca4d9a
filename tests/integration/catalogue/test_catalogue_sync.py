"""Full and incremental catalogue syncs against the simulator, as a retailer sees them."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from oscar.core.loading import get_model

from khaos_sync.sync.catalogue.flow import retry_failed_item, sync_catalogue_once
from khaos_sync.sync.catalogue.models import ProductBinding, ReviewFlag, UpstreamChange
from khaos_sync.sync.catalogue.ownership import record_person_edits
from khaos_sync.sync.core.models import FailedItem

Product = get_model("catalogue", "Product")
pytestmark = pytest.mark.django_db(transaction=True)
SHOP_WRITE = re.compile(
    r'^\s*(INSERT|UPDATE|DELETE)\b.*?"?(catalogue_|partner_|khaos_catalogue_)', re.I | re.S
)
# The run's own record of the tree it read, as its cursor is: not the shop's data.
BOOKKEEPING = re.compile(
    r'^\s*(INSERT|UPDATE)\b\s*(INTO)?\s*"?khaos_catalogue_categorytreestate"?\b', re.I
)


def shop_writes(queries) -> list[str]:
    return [
        q["sql"] for q in queries if SHOP_WRITE.match(q["sql"]) and not BOOKKEEPING.match(q["sql"])
    ]


def sync(sim, full=False):
    run = sync_catalogue_once(full=full, url=sim.url)
    assert run.outcome in {"succeeded", "partial"}, run.error
    return run


def standalone_code(dump_by_sku, **wanted) -> str:
    for sku, row in dump_by_sku().items():
        if (
            not row["variants"]
            and row["price_incl_tax"]
            and all(row[k] == v for k, v in wanted.items())
        ):
            return sku
    raise AssertionError(f"no standalone product with {wanted}")


def test_full_sync_of_the_generated_catalogue(simulator, dump_by_sku):
    run = sync(simulator, full=True)
    rows = list(dump_by_sku().values())
    assert run.failed == 0
    assert run.created == len(rows) + sum(len(r["variants"]) for r in rows)
    assert any(len(r["categories"]) >= 2 for r in rows)  # items in several categories
    assert any(not r["categories"] for r in rows)  # and some in none
    assert any(r["variants"] for r in rows) and any(r["tags"] for r in rows)
    assert any(r["khaos_deleted"] for r in rows)
    for row in rows:
        option_sets = {frozenset(v["options"]) for v in row["variants"]}
        assert len(option_sets) <= 1  # every variant has one option per heading


def test_second_sync_without_changes_writes_nothing(simulator):
    sync(simulator, full=True)
    with CaptureQueriesContext(connection) as queries:
        run = sync(simulator, full=True)
    assert run.created == run.updated == 0 and run.unchanged > 0
    assert shop_writes(queries.captured_queries) == []


def test_incremental_sync_touches_only_the_edited_product(simulator, dump_by_sku):
    sync(simulator, full=True)
    sku = standalone_code(dump_by_sku)
    before = dict(Product.objects.values_list("upc", "date_updated"))
    simulator.control.edit_item(sku, description="Renamed in Khaos", price="19.99")

    run = sync(simulator)

    assert (run.updated, run.created) == (1, 0)
    assert dump_by_sku()[sku]["name"] == "Renamed in Khaos"
    after = dict(Product.objects.values_list("upc", "date_updated"))
    assert {upc for upc in after if after[upc] != before[upc]} == {sku}


def test_a_persons_name_edit_survives_and_the_khaos_change_waits(simulator, dump_by_sku):
    sync(simulator, full=True)
    sku = standalone_code(dump_by_sku)
    product = Product.objects.get(upc=sku)
    product.title = "Web friendly name"
    product.save()
    record_person_edits(product, {"title"})
    simulator.control.edit_item(sku, description="Khaos rename", price="25.00", is_net=False)

    sync(simulator)

    row = dump_by_sku()[sku]
    assert row["name"] == "Web friendly name"
    assert row["price_incl_tax"] == "25.00"  # Khaos-mastered fields still follow Khaos
    change = UpstreamChange.objects.get(binding__stock_code=sku, state="pending")
    assert (change.field, change.value) == ("title", "Khaos rename")
    sync(simulator, full=True)  # the same Khaos value again: still one pending change
    assert UpstreamChange.objects.filter(binding__stock_code=sku).count() == 1


def test_deleting_hides_and_undeleting_restores_the_publish_decision(simulator, dump_by_sku):
    sync(simulator, full=True)
    sku = standalone_code(dump_by_sku, khaos_deleted=False)
    product = Product.objects.get(upc=sku)
    product.is_public = True  # a person publishes it
    product.save()

    simulator.control.edit_item(sku, deleted=True)
    sync(simulator)
    hidden = dump_by_sku()[sku]
    assert (hidden["published"], hidden["khaos_deleted"], hidden["shown"]) == (True, True, False)

    simulator.control.edit_item(sku, deleted=False)
    sync(simulator)
    back = dump_by_sku()[sku]
    assert (back["published"], back["khaos_deleted"], back["shown"]) == (True, False, True)


def test_a_changed_stock_code_updates_the_sku_without_a_second_product(simulator, dump_by_sku):
    sync(simulator, full=True)
    sku = standalone_code(dump_by_sku)
    count = Product.objects.count()
    simulator.control.edit_item(sku, code=f"{sku}-NEW")
    sync(simulator)
    assert Product.objects.count() == count
    assert f"{sku}-NEW" in dump_by_sku() and sku not in dump_by_sku()


def test_an_existing_shop_product_with_the_same_sku_is_adopted(simulator, dump_by_sku):
    from oscar.test import factories

    simulator.control.add_item("ADOPT-1", "Khaos name", "8.00", is_net=False)
    existing = factories.ProductFactory(upc="ADOPT-1", title="Shop's own", stockrecords=[])
    sync(simulator, full=True)
    binding = ProductBinding.objects.get(stock_code="ADOPT-1")
    assert binding.product_id == existing.pk
    assert Product.objects.filter(upc="ADOPT-1").count() == 1


def test_a_code_too_long_for_the_shop_keeps_the_item_without_a_sku(simulator, dump_by_sku):
    simulator.control.add_item("X" * 70, "Code too long for the shop", "1.00")
    run = sync(simulator, full=True)
    assert run.failed == 0 and run.outcome == "succeeded"
    binding = ProductBinding.objects.get(stock_code="X" * 70)
    assert binding.product.title == "Code too long for the shop" and not binding.product.upc
    flag = ReviewFlag.objects.get(khaos_ref=binding.stock_id, resolved_at=None)
    assert "longer than the shop's SKU (64 characters)" in flag.reason


def test_a_malformed_export_fails_only_its_chunk_down_to_one_item(simulator, settings):
    settings.KHAOS_SYNC = {
        **settings.KHAOS_SYNC,
        "catalogue": {**settings.KHAOS_SYNC["catalogue"], "export_chunk": 4},
        "khaos": {**settings.KHAOS_SYNC["khaos"], "url": simulator.url},
    }
    # Three garbage answers: the first chunk of 4, its first half, then its first item.
    simulator.control.set_faults("ExportStock:malformed-xml@times=3")
    run = sync(simulator, full=True)
    assert run.outcome == "partial" and run.failed == 1
    failure = FailedItem.objects.get(flow="catalogue", state="open")
    assert failure.traceback and failure.key in failure.payload
    assert not ProductBinding.objects.filter(stock_code=failure.key).exists()
    codes = run.summary["codes"]
    assert ProductBinding.objects.exclude(structure="child").count() == codes - 1
    simulator.control.set_faults("")
    retry_failed_item(failure)  # the dashboard's retry fetches it again
    assert ProductBinding.objects.filter(stock_code=failure.key).exists()


def test_a_run_where_every_item_failed_keeps_its_cursor_and_fails(simulator):
    from khaos_sync.sync.core.models import Cursor

    sync(simulator, full=True)
    before = Cursor.objects.get(name="catalogue").value
    code = ProductBinding.objects.filter(structure="standalone").order_by("stock_code")[0]
    simulator.store.advance_clock(3600)
    simulator.control.edit_item(code.stock_code, description="Edited while Khaos misbehaves")
    simulator.control.set_faults("ExportStock:malformed-xml")
    run = sync_catalogue_once(url=simulator.url)
    assert run.outcome == "failed" and not run.succeeded and "every item failed" in run.error
    assert Cursor.objects.get(name="catalogue").value == before
    simulator.control.set_faults("")
    run = sync(simulator)  # the next incremental run still sees the edit
    assert ProductBinding.objects.get(pk=code.pk).product.title == "Edited while Khaos misbehaves"
