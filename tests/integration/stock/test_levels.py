"""Levels, sell rules and packs, from the simulated Khaos to what a customer can buy."""

from __future__ import annotations

from typing import Any

import pytest
from oscar.core.loading import get_class, get_model

from khaos_sync.simulator import RunningSimulator
from khaos_sync.sync.catalogue.models import ProductBinding
from khaos_sync.sync.stock.flow import sync_stock_once

from .conftest import khaos_settings, sync_catalogue_and_publish

Product = get_model("catalogue", "Product")
StockAlert = get_model("partner", "StockAlert")
Selector = get_class("partner.strategy", "Selector")

pytestmark = pytest.mark.django_db


def product_of(code: str) -> Any:
    return ProductBinding.objects.select_related("product").get(stock_code=code).product


def site_levels(code: str) -> dict[str, int]:
    product = product_of(code)
    return {r.partner.code: r.num_in_stock for r in product.stockrecords.select_related("partner")}


def availability(code: str) -> Any:
    return Selector().strategy().fetch_for_product(product_of(code)).availability


def tracked_item(sim: RunningSimulator) -> str:
    """A plain stock-controlled standalone item the shop holds."""
    rows = sim.store.items_where(
        "kind = 'standalone' AND json_extract(data, '$.stock_controlled') = 1"
        " AND json_extract(data, '$.run_to_zero') = 0"
        " AND json_extract(data, '$.discontinued') = 0 AND json_extract(data, '$.web') = 1"
    )
    bound = set(ProductBinding.objects.values_list("stock_code", flat=True))
    return next(item.code for item in rows if item.code in bound)


def add_item(sim: RunningSimulator, code: str, *, level: int = 0, **flags: Any) -> None:
    sim.control.add_item(code, f"Test item {code}", "12.00", level=level, site=1, **flags)


def test_a_level_change_reaches_the_shop_in_one_incremental_run(shop: RunningSimulator) -> None:
    code = tracked_item(shop)
    shop.control.adjust_stock(code, 1, level=7)
    shop.control.adjust_stock(code, 2, level=5)

    run = sync_stock_once()

    assert site_levels(code) == {"khaos-site-1": 7, "khaos-site-2": 5}
    assert availability(code).num_available == 12
    assert run.summary["codes"] == 1, "only the item that moved is fetched"
    assert run.khaos_calls == 3  # site list, what moved, its levels


def test_only_the_sites_chosen_for_the_web_count(shop: RunningSimulator, settings: Any) -> None:
    code = tracked_item(shop)
    shop.control.adjust_stock(code, 1, level=2)
    shop.control.adjust_stock(code, 2, level=3)
    shop.control.adjust_stock(code, 3, level=40)  # Returns: not for sale

    sync_stock_once()
    assert availability(code).num_available == 5

    khaos_settings(settings, shop.url, [1])
    sync_stock_once(full=True)
    assert availability(code).num_available == 2


def test_status_codes_decide_what_can_be_bought(shop: RunningSimulator) -> None:
    add_item(shop, "T-RTZ", level=3, run_to_zero=True)
    add_item(shop, "T-RTZ0", level=0, run_to_zero=True)
    add_item(shop, "T-UNTRACKED", level=0, stock_controlled=False)
    add_item(shop, "T-BACKORDER", level=0)
    add_item(shop, "T-GONE", level=9)
    shop.control.edit_item("T-GONE", discontinued=True)
    sync_catalogue_and_publish()
    sync_stock_once()

    assert availability("T-RTZ").is_purchase_permitted(3) == (True, "")
    allowed, reason = availability("T-RTZ").is_purchase_permitted(4)
    assert not allowed and reason == "only 3 in stock"
    assert not availability("T-RTZ0").is_available_to_buy
    assert availability("T-UNTRACKED").is_purchase_permitted(500)[0]  # STATUS 5
    assert availability("T-BACKORDER").is_purchase_permitted(2)[0]  # back orders by default
    assert availability("T-BACKORDER").message == "Available to order"
    gone = product_of("T-GONE")
    assert gone.khaos.stock.status == 4
    assert not gone.is_public
    assert not availability("T-GONE").is_available_to_buy


def test_a_shop_that_refuses_back_orders_sells_only_what_is_there(
    shop: RunningSimulator, settings: Any
) -> None:
    add_item(shop, "T-BACKORDER", level=0)
    sync_catalogue_and_publish()
    sync_stock_once()
    khaos_settings(settings, shop.url, [1, 2], backorders="refuse")

    assert not availability("T-BACKORDER").is_available_to_buy
    assert availability("T-BACKORDER").message == "Out of stock"


def test_stock_due_in_shows_its_date(shop: RunningSimulator) -> None:
    row = shop.store.query(
        "SELECT i.code, l.due_date FROM levels l JOIN items i ON i.stock_id = l.stock_id"
        " WHERE l.site_id = 1 AND l.on_order > 0 AND l.due_date != ''"
        " AND json_extract(i.data, '$.stock_controlled') = 1"
        " AND json_extract(i.data, '$.discontinued') = 0 AND i.kind != 'pack'"
    )
    bound = set(ProductBinding.objects.values_list("stock_code", flat=True))
    code = next(r["code"] for r in row if r["code"] in bound)
    for site in (1, 2):
        shop.control.adjust_stock(code, site, level=0)
    sync_stock_once()

    stock = product_of(code).khaos.stock
    assert stock.status == 2 and stock.due_date is not None
    assert "more due in" in availability(code).message
    assert availability(code).dispatch_date == stock.due_date


def stocked_pack(shop: RunningSimulator, packs: int) -> tuple[Any, list[tuple[str, int]]]:
    """A synced pack whose components hold, in Khaos, enough for ``packs``, ``packs`` + 1, …

    Returns the pack and its components' (stock code, quantity per pack).
    """
    pack = next(
        p
        for p in shop.store.items_where("kind = 'pack'")
        if ProductBinding.objects.filter(stock_code=p.code).exists()
        and all(
            ProductBinding.objects.filter(stock_id=str(link.target_id)).exists()
            for link in p.pack_children
        )
    )
    components = [
        (ProductBinding.objects.get(stock_id=str(link.target_id)).stock_code, int(link.value))
        for link in pack.pack_children
    ]
    for index, (code, per_pack) in enumerate(components):
        shop.control.adjust_stock(code, 1, level=per_pack * (packs + index))
        shop.control.adjust_stock(code, 2, level=0)
    return pack, components


def test_a_pack_follows_its_components(shop: RunningSimulator) -> None:
    pack, components = stocked_pack(shop, 10)
    sync_stock_once()
    assert availability(pack.code).num_available == 10

    first, per_pack = components[0]
    shop.control.adjust_stock(first, 2, level=per_pack * 3 + 1)  # now 13 packs' worth
    sync_stock_once()
    assert availability(pack.code).num_available == 11  # the second component limits it

    shop.control.adjust_stock(first, 1, level=per_pack * 2 - 1)
    shop.control.adjust_stock(first, 2, level=0)
    sync_stock_once()
    assert availability(pack.code).num_available == 1


def test_low_stock_alerts_open_and_close_after_each_run(shop: RunningSimulator) -> None:
    code = tracked_item(shop)
    record = product_of(code).stockrecords.get(partner__code="khaos-site-1")
    record.low_stock_threshold = 5
    record.save()
    shop.control.adjust_stock(code, 1, level=2)
    sync_stock_once()
    assert StockAlert.objects.filter(stockrecord=record, status=StockAlert.OPEN).count() == 1

    shop.control.adjust_stock(code, 1, level=20)
    sync_stock_once()
    assert not StockAlert.objects.filter(stockrecord=record, status=StockAlert.OPEN).exists()


def test_levels_of_items_the_shop_does_not_hold_are_counted_not_failed(
    shop: RunningSimulator,
) -> None:
    add_item(shop, "T-NOT-SYNCED", level=4)  # the catalogue has not run since

    run = sync_stock_once()

    assert run.outcome == "succeeded"
    assert run.summary["not_in_shop"] >= 1
