"""A submitted checkout waiting for its payment, made the way the payment step makes it."""

from __future__ import annotations

from typing import Any

from oscar.core.loading import get_class
from oscar.test import factories

from khaos_sync.shop.payments.models import Payment
from khaos_sync.shop.payments.placement import start_payment
from tests.integration.orders.support import ShippingAddress, basket_of, khaos_product

OrderTotalCalculator = get_class("checkout.calculators", "OrderTotalCalculator")
Free = get_class("shipping.methods", "Free")


def waiting_payment(provider: str = "dummy", price: str = "24.99", user: Any = None) -> Payment:
    product = khaos_product(None, price)
    basket = basket_of([(product, 2)], user)
    method = Free()
    total = OrderTotalCalculator().calculate(basket, method.calculate(basket))
    basket.freeze()
    shipping = ShippingAddress(
        first_name="Ada",
        last_name="Lovelace",
        line1="12 St James's Square",
        line4="London",
        postcode="SW1Y 4JH",
        country=factories.CountryFactory(iso_3166_1_a2="GB", name="United Kingdom"),
    )
    return start_payment(
        provider=provider,
        order_number=f"1{basket.pk:05d}",
        basket=basket,
        user=user,
        total=total,
        shipping_address=shipping,
        billing_address=None,
        shipping_method=method,
        shipping_charge=method.calculate(basket),
        email="ada@example.com",
    )
