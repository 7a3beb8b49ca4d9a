"""Khaos price lists fetched from the simulator and applied by the shop's pricing strategy."""

from __future__ import annotations

from decimal import Decimal

import pytest
from oscar.core.loading import get_class

from khaos_sync.simulator.model import PriceBreak
from khaos_sync.simulator.model import PriceList as KhaosList
from khaos_sync.sync.core.models import FailedItem
from khaos_sync.sync.orders.flow import export_orders_once
from khaos_sync.sync.prices.flow import sync_prices_once
from khaos_sync.sync.prices.models import PriceList
from khaos_sync.sync.prices.quote import quote
from tests.integration.orders.support import basket_of, khaos_product, place_order
from tests.integration.prices.support import (
    RETAILER_CODE,
    TRADE_CODE,
    khaos_customer,
    khaos_price_lists,
)

pytestmark = pytest.mark.django_db

Selector = get_class("partner.strategy", "Selector")


def unit_price(product, user=None) -> Decimal:
    return Selector().strategy(user=user).fetch_for_product(product).price.incl_tax


@pytest.fixture
def item(khaos):
    product = khaos_product(khaos, "12.00", code="PL0001")
    khaos_price_lists(khaos, "PL0001")
    return product


@pytest.fixture
def trade(khaos):
    return khaos_customer(khaos, TRADE_CODE, "Trade", "buyer@trade.example", company_id=900001)


def test_the_lists_are_stored_with_their_assignments_and_breaks(khaos, item):
    run = sync_prices_once()

    assert run.outcome == "succeeded", run.error
    stored = {p.name: p for p in PriceList.objects.all()}
    assert set(stored) == {"Web Prices", "Trade", "Retailers"}
    assert [(a.kind, a.value) for a in stored["Trade"].assignments.all()] == [("class", "Trade")]
    assert [(a.kind, a.value) for a in stored["Retailers"].assignments.all()] == [
        ("customer", RETAILER_CODE)
    ]
    assert {(a.kind, a.value) for a in stored["Web Prices"].assignments.all()} == {
        ("class", "Internet"),
        ("web", ""),
    }
    assert not stored["Web Prices"].is_net and stored["Trade"].is_net
    trade_breaks = [
        (e.qty_start, e.qty_end, e.amount)
        for e in stored["Trade"].entries.filter(stock_code="PL0001")
    ]
    assert trade_breaks == [(1, 9, Decimal("7.00")), (10, 9999, Decimal("6.00"))]


def test_a_second_fetch_of_unchanged_lists_writes_nothing(khaos, item):
    sync_prices_once()
    first = {p.name: p.synced_at for p in PriceList.objects.all()}

    again = sync_prices_once()

    assert again.unchanged == 3 and again.updated == 0
    assert {p.name: p.synced_at for p in PriceList.objects.all()} == first


def test_a_trade_customer_sees_the_trade_price(khaos, item, trade):
    sync_prices_once()

    # 7.00 net + 20% VAT.
    assert unit_price(item, trade) == Decimal("8.40")


def test_an_anonymous_visitor_sees_the_web_price_list(khaos, item):
    sync_prices_once()

    assert unit_price(item) == Decimal("11.40")


def test_a_customer_with_their_own_list_pays_its_discounted_price(khaos, item):
    retailer = khaos_customer(
        khaos, RETAILER_CODE, "Internet", "shop@retail.example", company_id=900002
    )
    sync_prices_once()

    # 10.00 less 10% = 9.00 net, 10.80 with VAT: below the web list's 11.40.
    assert unit_price(item, retailer) == Decimal("10.80")


def test_ten_in_the_basket_get_the_break_price(khaos, item, trade):
    sync_prices_once()

    basket = basket_of([(item, 10)], user=trade)

    line = basket.all_lines()[0]
    assert line.unit_price_incl_tax == Decimal("7.20")  # 6.00 net from 10
    assert basket.total_incl_tax == Decimal("72.00")
    nine = basket_of([(item, 9)], user=trade)
    assert nine.total_incl_tax == Decimal("75.60")  # 9 × 8.40


def test_adding_more_of_an_item_reprices_the_whole_line_at_the_break(khaos, item, trade):
    sync_prices_once()
    basket = basket_of([(item, 5)], user=trade)
    assert basket.total_incl_tax == Decimal("42.00")  # 5 × 8.40

    basket.add_product(item, 5)

    [line] = basket.all_lines()
    assert line.quantity == 10 and basket.total_incl_tax == Decimal("72.00")


def test_the_lowest_price_wins_unless_the_most_specific_rule_is_chosen(
    khaos, item, trade, settings
):
    # A trade price above the web list's: the lowest rule gives the web list's price.
    khaos.store.put_price_lists(
        [KhaosList("Trade", company_class="Trade", breaks=[PriceBreak("PL0001", Decimal("10.00"))])]
    )
    sync_prices_once()
    assert unit_price(item, trade) == Decimal("11.40")

    settings.KHAOS_SYNC["prices"]["rule"] = "most-specific"
    assert unit_price(item, trade) == Decimal("12.00")  # the trade list's 10.00 net


def test_the_trade_order_reaches_khaos_at_the_charged_prices_and_is_accepted(khaos, item, trade):
    sync_prices_once()
    order = place_order([(item, 10)], user=trade, shipping="3.95")
    assert order.total_incl_tax == Decimal("75.95")

    export_orders_once()

    in_khaos = khaos.control.order(order.number)
    assert in_khaos["customer_detail"]["COMPANY_CODE"] == TRADE_CODE
    assert in_khaos["company_code"] == TRADE_CODE  # Khaos matched the account, no new customer
    assert in_khaos["computed_total"] == Decimal("75.95")
    [line] = in_khaos["lines"]
    assert (line["code"], line["qty"], line["line_gross"]) == ("PL0001", 10, Decimal("72.00"))


def test_the_price_check_gives_what_the_basket_charges(khaos, item, trade):
    sync_prices_once()

    check = quote(item, trade, 10)

    assert check.unit_incl_tax == Decimal("7.20") and check.line_incl_tax == Decimal("72.00")
    assert (check.source, check.list_name) == ("class", "Trade")
    assert quote(item, None, 1).unit_incl_tax == Decimal("11.40")


def test_a_break_the_shop_cannot_price_is_a_failed_item_and_the_rest_lands(khaos, item):
    khaos.store.put_price_lists(
        [
            KhaosList(
                "Trade",
                company_class="Trade",
                breaks=[
                    PriceBreak("PL0001", Decimal("7.00"), 1, 9),
                    PriceBreak("PL0002", Decimal("0"), markup=Decimal("40")),
                ],
            )
        ]
    )

    run = sync_prices_once()

    assert run.failed == 1
    failed = FailedItem.objects.get(flow="prices")
    assert failed.key == "Trade / PL0002"
    assert "mark-up" in failed.error and "<PriceLists>" in failed.payload
    assert PriceList.objects.get(name="Trade").entries.count() == 1
