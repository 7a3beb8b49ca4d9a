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


# --- Khaos items follow Khaos's sell rules (mapping §3) ---


def khaos_product(level, *, status=0, published=True, **rules):
    from django.utils import timezone

    from khaos_sync.sync.catalogue.models import ProductBinding
    from khaos_sync.sync.stock.models import ItemStock

    product = product_with_records(Decimal("20"), ("Warehouse", "9.00", level))
    product.published = product.is_public = published
    product.save()
    now = timezone.now()
    binding = ProductBinding.objects.create(
        stock_id=f"id-{product.pk}",
        product=product,
        stock_code=product.upc,
        structure="standalone",
        synced_hash="x",
        synced_at=now,
        **rules,
    )
    ItemStock.objects.create(binding=binding, level=level, status=status, synced_at=now)
    return product


def test_a_khaos_item_out_of_stock_can_be_back_ordered_by_default():
    product = khaos_product(0, status=3)

    availability = Selector().strategy().fetch_for_product(product).availability

    assert availability.is_purchase_permitted(4)[0]
    assert availability.message == "Available to order"


def test_a_khaos_item_sold_in_sixes_refuses_seven_in_the_basket():
    product = khaos_product(40, sales_multiple=6)

    availability = Selector().strategy().fetch_for_product(product).availability

    assert availability.is_purchase_permitted(7) == (False, "this item is sold in multiples of 6")
    assert availability.is_purchase_permitted(12)[0]


def test_an_unpublished_khaos_item_cannot_be_bought():
    product = khaos_product(10, published=False)

    assert not Selector().strategy().fetch_for_product(product).availability.is_available_to_buy


def test_sell_rules_loaded_with_the_product_cost_no_extra_query(django_assert_num_queries):
    from oscar.core.loading import get_model

    Product = get_model("catalogue", "Product")
    khaos_product(5, run_to_zero=True)
    product = Product.objects.select_related("khaos__stock").prefetch_related("stockrecords").get()

    with django_assert_num_queries(0):
        availability = Selector().strategy().fetch_for_product(product).availability
        assert availability.is_purchase_permitted(5)[0]
        assert not availability.is_purchase_permitted(6)[0]
