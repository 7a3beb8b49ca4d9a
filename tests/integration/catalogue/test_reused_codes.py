"""Khaos stock codes are not unique over time: every STOCK_ID still becomes a product."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from oscar.core.loading import get_class, get_model
from oscar.test.factories import create_product

from khaos_sync.mappers.products import SKU_MAX
from khaos_sync.store.orders import khaos_code
from khaos_sync.sync.catalogue.flow import import_stock_files
from khaos_sync.sync.catalogue.models import ProductBinding, ReviewFlag
from tests.integration.catalogue.stock_documents import HEAD, TAIL, item, scs, scs_child, style, uda

Product = get_model("catalogue", "Product")
StockRecord = get_model("partner", "StockRecord")
Selector = get_class("partner.strategy", "Selector")
pytestmark = pytest.mark.django_db(transaction=True)


def export(path, *items: str):
    path.write_text(HEAD + "".join(items) + TAIL, encoding="utf-8")
    return path


def product_of(stock_id: str):
    return ProductBinding.objects.select_related("product").get(stock_id=stock_id).product


def open_flags(kind=ReviewFlag.Kind.CODE):
    return {f.khaos_ref: f.reason for f in ReviewFlag.objects.filter(kind=kind, resolved_at=None)}


def buyable(product) -> bool:
    product.refresh_from_db()
    info = Selector().strategy().fetch_for_product(product)
    return bool(info.availability.is_available_to_buy)


def publish(*stock_ids: str) -> None:
    for stock_id in stock_ids:
        product = product_of(stock_id)
        product.is_public = True
        product.save()


def test_the_last_file_wins_the_code_and_the_other_item_is_kept_and_flagged(tmp_path):
    first = export(tmp_path / "a.xml", item("100", "MUG-1", "Old mug", "5.00"))
    second = export(tmp_path / "b.xml", item("200", "MUG-1", "New mug", "6.00"))
    run = import_stock_files([first, second])

    assert run.failed == 0 and run.created == 2
    old, new = product_of("100"), product_of("200")
    assert new.upc == "MUG-1" and old.upc == ""
    assert old.title == "Old mug"  # keeps all its data and its binding
    assert StockRecord.objects.get(product=old).price is not None
    assert open_flags() == {"100": "stock code MUG-1 now belongs to Khaos item 200"}
    publish("100", "200")
    assert buyable(new) and not buyable(old)


def test_a_code_given_back_settles_by_the_same_rule(tmp_path):
    import_stock_files(
        [
            export(tmp_path / "a.xml", item("100", "MUG-1", "Old mug", "5.00")),
            export(tmp_path / "b.xml", item("200", "MUG-1", "New mug", "6.00")),
        ]
    )
    # Khaos gives the new item a code of its own: the old one takes MUG-1 back.
    import_stock_files([export(tmp_path / "c.xml", item("200", "MUG-2", "New mug", "6.00"))])
    assert product_of("100").upc == "MUG-1" and product_of("200").upc == "MUG-2"
    assert open_flags() == {}
    sku = StockRecord.objects.get(product=product_of("100")).partner_sku
    assert sku == "MUG-1"


def test_a_deleted_item_gives_the_code_to_the_live_one(tmp_path):
    import_stock_files(
        [
            export(tmp_path / "a.xml", item("100", "MUG-1", "Old mug", "5.00")),
            export(tmp_path / "b.xml", item("200", "MUG-1", "New mug", "6.00", deleted=True)),
        ]
    )
    assert product_of("100").upc == "MUG-1" and product_of("200").upc == ""
    assert open_flags() == {"200": "stock code MUG-1 now belongs to Khaos item 100"}
    # The live holder goes (deleted in Khaos) while the other comes back: they change places.
    import_stock_files(
        [
            export(
                tmp_path / "c.xml",
                item("100", "MUG-1", "Old mug", "5.00", deleted=True),
                item("200", "MUG-1", "New mug", "6.00"),
            )
        ]
    )
    assert product_of("200").upc == "MUG-1" and product_of("100").upc == ""


def test_two_items_swap_their_codes_in_one_file(tmp_path):
    import_stock_files(
        [
            export(
                tmp_path / "a.xml",
                item("100", "MUG-1", "Mug", "5.00"),
                item("200", "CUP-1", "Cup", "4.00"),
            )
        ]
    )
    run = import_stock_files(
        [
            export(
                tmp_path / "b.xml",
                item("100", "CUP-1", "Mug", "5.00"),
                item("200", "MUG-1", "Cup", "4.00"),
            )
        ]
    )
    assert run.failed == 0
    assert product_of("100").upc == "CUP-1" and product_of("200").upc == "MUG-1"
    assert open_flags() == {}


def test_codes_repeated_inside_one_file_and_across_variants(tmp_path):
    family = scs(
        ["Colour"],
        style("Red", "RED", scs_child("311", "TEE-RED", "Tee / Red", "9.00"))
        + style("Blue", "BLU", scs_child("312", "TEE-BLU", "Tee / Blue", "9.00")),
    )
    run = import_stock_files(
        [
            export(
                tmp_path / "a.xml",
                item("300", "TEE", "Tee", "9.00", extra=family),
                item("400", "TEE-RED", "Red tee, old record", "8.00"),
                item("401", "TEE", "Tee, old record", "8.00"),
            )
        ]
    )
    assert run.failed == 0
    assert ProductBinding.objects.count() == 5
    # Arrival order: the later record in the file holds the code.
    assert product_of("400").upc == "TEE-RED" and product_of("311").upc == ""
    assert product_of("401").upc == "TEE" and product_of("300").upc == ""
    assert set(open_flags()) == {"311", "300"}


def test_the_codeless_product_keeps_a_placeholder_sku_that_cannot_clash(tmp_path):
    import_stock_files(
        [
            export(tmp_path / "a.xml", item("100", "A", "One", "5.00")),
            export(tmp_path / "b.xml", item("200", "A", "Two", "6.00")),
        ]
    )
    placeholder = StockRecord.objects.get(product=product_of("100")).partner_sku
    assert len(placeholder) > SKU_MAX and placeholder.endswith("A~100")


def test_an_order_line_for_a_product_without_a_code_is_held_with_the_reason(tmp_path):
    import_stock_files(
        [
            export(tmp_path / "a.xml", item("100", "MUG-1", "Old mug", "5.00")),
            export(tmp_path / "b.xml", item("200", "MUG-1", "New mug", "6.00")),
        ]
    )
    _code, not_in_khaos, hold = khaos_code(SimpleNamespace(product=product_of("100"), title="Mug"))
    assert not_in_khaos == "" and "Khaos item 100 has no stock code of its own" in hold
    assert khaos_code(SimpleNamespace(product=product_of("200"), title="Mug")) == (
        "MUG-1",
        "",
        "",
    )
    # The code moves on: the order line follows the product's current code.
    import_stock_files([export(tmp_path / "c.xml", item("100", "MUG-9", "Old mug", "5.00"))])
    assert khaos_code(SimpleNamespace(product=product_of("100"), title="Mug"))[0] == "MUG-9"


def test_a_code_used_by_a_shop_product_not_from_khaos(tmp_path):
    import_stock_files([export(tmp_path / "a.xml", item("100", "MUG-1", "Mug", "5.00"))])
    create_product(title="Shop's own", upc="CUP-1")
    run = import_stock_files([export(tmp_path / "b.xml", item("100", "CUP-1", "Mug", "5.00"))])
    assert run.failed == 0
    assert product_of("100").upc == ""
    assert "used by shop product" in open_flags()["100"]


def test_option_and_attribute_names_that_share_a_shop_code_are_kept_and_flagged(tmp_path, settings):
    settings.KHAOS_SYNC = {
        **settings.KHAOS_SYNC,
        "catalogue": {**settings.KHAOS_SYNC["catalogue"], "uda_modes": {"colour": "attribute"}},
    }
    family = scs(
        ["Colour"],
        style(
            "Red",
            "RED",
            scs_child("311", "TEE-RED", "Tee / Red", "9.00").replace(
                "</SCS_ITEM>", uda("colour", "TEXT", "Crimson") + "</SCS_ITEM>"
            ),
        ),
    )
    run = import_stock_files(
        [export(tmp_path / "a.xml", item("300", "TEE", "Tee", "9.00", extra=family))]
    )
    assert run.failed == 0
    assert ProductBinding.objects.count() == 2
    assert "share one shop attribute" in open_flags(ReviewFlag.Kind.ATTRIBUTE)["311"]


def test_names_slugs_and_barcodes_that_repeat_never_fail_an_item(tmp_path):
    barcode = "<BARCODES><BARCODE DESC='EAN'>5012345678900</BARCODE></BARCODES>"
    long_seo = "<META_TITLE>" + "x" * 400 + "</META_TITLE>"
    run = import_stock_files(
        [
            export(
                tmp_path / "a.xml",
                item("100", "A", "Same name", "5.00", extra=barcode + long_seo),
                item("200", "B", "Same name", "5.00", extra=barcode),
            )
        ]
    )
    assert run.failed == 0
    assert product_of("100").slug == product_of("200").slug == "same-name"
    assert len(product_of("100").meta_title) == 255
