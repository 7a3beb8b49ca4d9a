"""What a customer may buy and what they read, from the sell rules alone (no database)."""

from __future__ import annotations

from datetime import date

from khaos_sync.shop.oscar_apps.partner.availability import KhaosAvailability, SellRules


def rules(**values) -> KhaosAvailability:
    return KhaosAvailability(SellRules(**{"level": 0, **values}))


def test_discontinued_is_never_buyable_whatever_the_level():
    assert not rules(level=50, status=4).is_available_to_buy
    assert rules(level=50, status=4).short_message == "Discontinued"


def test_not_stock_controlled_is_always_buyable():
    policy = rules(level=0, status=5, run_to_zero=True)

    assert policy.is_purchase_permitted(1000) == (True, "")
    assert policy.message == "In stock"


def test_run_to_zero_never_sells_below_zero():
    assert not rules(level=0, run_to_zero=True).is_available_to_buy
    assert rules(level=3, run_to_zero=True).is_purchase_permitted(3) == (True, "")
    assert rules(level=3, run_to_zero=True).is_purchase_permitted(4) == (False, "only 3 in stock")


def test_back_orders_follow_the_shop_policy():
    assert rules(level=0, status=3).is_purchase_permitted(5)[0]
    assert not rules(level=0, status=3, backorders=False).is_available_to_buy
    assert rules(level=2, backorders=False).is_purchase_permitted(3)[1] == "only 2 in stock"


def test_sales_multiple_is_enforced_with_a_clear_reason():
    policy = rules(level=100, sales_multiple=6)

    assert policy.is_purchase_permitted(12) == (True, "")
    assert policy.is_purchase_permitted(7) == (False, "this item is sold in multiples of 6")
    assert policy.is_available_to_buy


def test_max_display_quantity_caps_what_is_shown_not_what_is_sold():
    policy = rules(level=250, max_display_qty=10, run_to_zero=True)

    assert policy.is_purchase_permitted(200)[0]
    assert policy.is_purchase_permitted(251) == (False, "only 10 in stock")


def test_customers_read_words_not_counts():
    assert rules(level=250).message == "In stock"
    assert rules(level=3, low_stock_threshold=5).message == "Low stock"
    assert rules(level=5, low_stock_threshold=5).short_message == "Low stock"
    assert rules(level=6, low_stock_threshold=5).message == "In stock"
    assert rules(level=0, run_to_zero=True, low_stock_threshold=5).message == "Out of stock"
    assert rules(level=2, status=5, low_stock_threshold=5).message == "In stock"


def test_out_of_stock_shows_the_availability_text_and_the_due_date():
    policy = rules(
        level=0, availability_text="Usually ships in 2 weeks", due_date=date(2026, 12, 3)
    )

    assert policy.message == "Usually ships in 2 weeks — more due in 3 December 2026"
    assert policy.dispatch_date == date(2026, 12, 3)
    assert rules(level=0, run_to_zero=True).message == "Out of stock"
