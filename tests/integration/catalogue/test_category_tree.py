"""The web category tree in incremental runs: read on its schedule, compared only when it changed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from oscar.core.loading import get_model

from khaos_sync.protocol.client import KhaosClient
from khaos_sync.sync.catalogue.flow import import_stock_files, sync_catalogue_once
from khaos_sync.sync.catalogue.models import CategoryBinding, CategoryTreeState, ProductBinding

Product = get_model("catalogue", "Product")
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def every(settings):
    """Set catalogue.categories_every_minutes for the test."""

    def set_every(minutes: int) -> None:
        catalogue = {**settings.KHAOS_SYNC["catalogue"], "categories_every_minutes": minutes}
        settings.KHAOS_SYNC = {**settings.KHAOS_SYNC, "catalogue": catalogue}

    return set_every


def sync(sim, full=False):
    run = sync_catalogue_once(full=full, url=sim.url)
    assert run.outcome == "succeeded", run.error
    return run


def khaos_categories(sku: str) -> list[str]:
    """The Khaos ids of the shop categories the product is in."""
    product = Product.objects.get(upc=sku)
    return sorted(
        CategoryBinding.objects.filter(category__in=product.categories.all()).values_list(
            "khaos_id", flat=True
        )
    )


def plain_item_and_other_category() -> tuple[str, str]:
    """A bound plain item in some category, and a shop category (by Khaos id) it is not in."""
    bindings = ProductBinding.objects.filter(structure="standalone").order_by("stock_code")
    binding = next(b for b in bindings if khaos_categories(b.stock_code))
    current = set(khaos_categories(binding.stock_code))
    other = next(
        k
        for k in CategoryBinding.objects.order_by("khaos_id").values_list("khaos_id", flat=True)
        if k not in current
    )
    return binding.stock_code, other


def binding_scans(queries) -> list[str]:
    """Reads of every bound item's recorded categories (the membership comparison)."""
    return [
        q["sql"]
        for q in queries
        if "khaos_values" in q["sql"]
        and "khaos_catalogue_productbinding" in q["sql"]
        and "WHERE NOT" in q["sql"]
    ]


def test_an_unchanged_tree_is_read_but_every_item_is_not_compared(simulator, every):
    every(0)  # the tree is read by every run
    sync(simulator, full=True)
    code = ProductBinding.objects.filter(structure="standalone").first().stock_code
    simulator.control.edit_item(code, description="Renamed in Khaos")

    with CaptureQueriesContext(connection) as queries:
        run = sync(simulator)

    assert run.summary["categories"] == "unchanged"
    assert "membership_changes" not in run.summary
    assert binding_scans(queries.captured_queries) == []
    assert (run.summary["codes"], run.updated) == (1, 1)


def test_a_changed_tree_moves_an_item_whose_revision_did_not_change(simulator, every):
    every(0)
    sync(simulator, full=True)
    code, other = plain_item_and_other_category()

    simulator.control.file_item(code, [int(other)])
    run = sync(simulator)

    assert run.summary["categories"] == "changed"
    assert run.summary["membership_changes"] == 1
    assert khaos_categories(code) == [other]
    # Applied: the next run finds the same tree and compares nothing.
    again = sync(simulator)
    assert again.summary["categories"] == "unchanged" and again.updated == 0


def test_between_reads_the_tree_is_not_asked_for_and_a_move_waits_for_the_next_read(
    simulator, every
):
    every(60)
    sync(simulator, full=True)
    code, other = plain_item_and_other_category()
    before = khaos_categories(code)
    simulator.control.file_item(code, [int(other)])
    simulator.control.edit_item(code, description="Renamed in Khaos")

    run = sync(simulator)  # seconds after the full run read the tree

    assert run.summary["categories"] == "not read"
    assert run.khaos_calls == 4  # sites, two stock lists, the item: no ExportWebCategories
    assert Product.objects.get(upc=code).title == "Renamed in Khaos"
    assert before and khaos_categories(code) == before  # kept until the tree is read

    CategoryTreeState.objects.update(
        read_at=CategoryTreeState.objects.get().read_at - timedelta(minutes=60)
    )
    run = sync(simulator)

    assert run.summary["categories"] == "changed"
    assert khaos_categories(code) == [other]


def test_a_new_item_arrives_with_its_categories_between_reads(simulator, every):
    every(60)
    sync(simulator, full=True)
    category = CategoryBinding.objects.order_by("khaos_id").first().khaos_id
    simulator.control.add_item("NEW-ITEM-1", "A new item", "12.50")
    simulator.control.file_item("NEW-ITEM-1", [int(category)])

    run = sync(simulator)

    assert run.summary["categories"] == "changed"
    assert khaos_categories("NEW-ITEM-1") == [category]


def test_a_full_run_always_reads_the_tree(simulator, every):
    every(60)
    sync(simulator, full=True)
    code, other = plain_item_and_other_category()
    simulator.control.file_item(code, [int(other)])

    run = sync(simulator, full=True)

    assert run.summary["categories"] == "changed"
    assert khaos_categories(code) == [other]


def test_items_from_files_leave_the_tree_to_be_read_and_compared(simulator, every, tmp_path):
    every(60)
    sync(simulator, full=True)
    code, _other = plain_item_and_other_category()
    before = khaos_categories(code)
    assert before
    with KhaosClient(simulator.url) as client:
        export = tmp_path / "stock.xml"
        export.write_text(client.export_stock(stock_code=code, mapping_type=1), encoding="utf-8")
    import_stock_files([export])
    assert khaos_categories(code) == []  # files carry no categories

    run = sync(simulator)

    assert run.summary["categories"] == "read"  # read again, and every item compared
    assert khaos_categories(code) == before


def test_a_changed_tree_with_a_failed_item_is_compared_again_next_run(simulator, every):
    every(0)
    sync(simulator, full=True)
    bindings = ProductBinding.objects.filter(structure="standalone").order_by("stock_code")[:2]
    first, second = (b.stock_code for b in bindings)
    target = CategoryBinding.objects.order_by("khaos_id").last().khaos_id
    for code in (first, second):
        simulator.control.file_item(code, [int(target)])
    # The chunk of both, then its first half: the first item fails, the second arrives.
    simulator.control.set_faults("ExportStock:malformed-xml@times=2")

    run = sync_catalogue_once(url=simulator.url)

    assert run.outcome == "partial" and run.failed == 1
    assert run.summary["categories"] == "changed" and run.summary["membership_changes"] == 2
    assert khaos_categories(second) == [target]
    assert CategoryTreeState.objects.get().digest == ""  # not applied to every item

    simulator.control.set_faults("")
    run = sync(simulator)

    assert run.summary["categories"] == "read" and run.summary["membership_changes"] == 1
    assert khaos_categories(first) == [target]
    assert CategoryTreeState.objects.get().digest != ""


def test_between_reads_a_changed_parent_keeps_its_categories_and_its_variants(simulator, every):
    every(60)
    sync(simulator, full=True)
    parents = ProductBinding.objects.filter(structure="parent").order_by("stock_code")
    parent = next(p for p in parents if khaos_categories(p.stock_code))
    before = khaos_categories(parent.stock_code)
    variants = ProductBinding.objects.filter(parent_stock_id=parent.stock_id).count()
    simulator.control.edit_item(parent.stock_code, description="Renamed parent")

    run = sync(simulator)

    assert run.summary["categories"] == "not read"
    assert run.updated >= 1 and run.created == 0 and variants > 0
    assert khaos_categories(parent.stock_code) == before
    assert CategoryTreeState.objects.get().digest != ""  # every item was known
