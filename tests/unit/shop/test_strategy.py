"""Prices and availability as a customer sees them."""

from decimal import Decimal

import pytest
from oscar.core.loading import get_class
from oscar.test import factories

Selector = get_class("partner.strategy", "Selector")

pytestmark = pytest.mark.django_db


def product_with_records(vat_rate, *records):
    product = factories.ProductFactory(vat_rate=vat_rate, stockrecords=[])
    for partner_name, price, level in records:
        factories.StockRecordFactory(
            product=product,
            partner=factories.PartnerFactory(name=partner_name),
            price=Decimal(price),
            num_in_stock=level,
        )
    return product


def test_five_percent_vat_and_two_sites_combine():
    product = product_with_records(Decimal("5"), ("Warehouse", "10.50", 3), ("Shop", "10.50", 4))

    info = Selector().strategy().fetch_for_product(product)

    assert info.price.incl_tax == Decimal("10.50")
    assert info.price.excl_tax == Decimal("10.00")
    assert info.price.tax == Decimal("0.50")
    assert info.availability.num_available == 7
    assert info.availability.is_purchase_permitted(7)[0]
    assert not info.availability.is_purchase_permitted(8)[0]


def test_basket_line_allocates_from_the_site_with_most_stock():
    product = product_with_records(Decimal("20"), ("Warehouse", "12.00", 1), ("Shop", "12.00", 9))

    info = Selector().strategy().fetch_for_product(product)

    assert info.stockrecord.partner.name == "Shop"
    assert info.price.excl_tax == Decimal("10.00")


def test_zero_rated_product_has_no_tax():
    product = product_with_records(Decimal("0"), ("Warehouse", "7.99", 2))

    price = Selector().strategy().fetch_for_product(product).price

    assert (price.incl_tax, price.tax) == (Decimal("7.99"), Decimal("0.00"))


def test_product_without_rate_uses_the_shop_default(settings):
    settings.KHAOS_SYNC_DEFAULT_VAT_RATE = Decimal("20")
    product = product_with_records(None, ("Warehouse", "6.00", 2))

    assert Selector().strategy().fetch_for_product(product).price.tax == Decimal("1.00")


def test_variant_inherits_parent_rate_and_parent_shows_cheapest_price():
    parent = factories.ProductFactory(structure="parent", vat_rate=Decimal("5"), stockrecords=[])
    for price in ("21.00", "10.50"):
        child = factories.ProductFactory(
            structure="child", parent=parent, vat_rate=None, stockrecords=[]
        )
        factories.StockRecordFactory(product=child, price=Decimal(price), num_in_stock=1)

    info = Selector().strategy().fetch_for_parent(parent)

    assert info.price.incl_tax == Decimal("10.50")
    assert info.price.tax == Decimal("0.50")
    assert info.availability.is_available_to_buy


def test_out_of_stock_everywhere_cannot_be_bought():
    product = product_with_records(Decimal("20"), ("Warehouse", "5.00", 0), ("Shop", "5.00", 0))

    availability = Selector().strategy().fetch_for_product(product).availability

    assert not availability.is_available_to_buy
