"""Shop-side helpers for the order export tests: Khaos products, baskets, real Oscar orders."""

from __future__ import annotations

import copy
import itertools
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from oscar.core.loading import get_class, get_model
from oscar.test import factories

from khaos_sync.simulator import RunningSimulator
from khaos_sync.store.search import index_updates_paused
from khaos_sync.sync.catalogue.models import ProductBinding

Basket = get_model("basket", "Basket")
ShippingAddress = get_model("order", "ShippingAddress")
BillingAddress = get_model("order", "BillingAddress")
Selector = get_class("partner.strategy", "Selector")
Applicator = get_class("offer.applicator", "Applicator")
FixedPrice = get_class("shipping.methods", "FixedPrice")
Free = get_class("shipping.methods", "Free")

_codes = itertools.count(1)


def khaos_config(sim_url: str, **orders: Any) -> dict[str, Any]:
    """The shop's configuration pointed at a simulator, with Khaos's own lists."""
    config = copy.deepcopy(settings.KHAOS_SYNC)
    config["khaos"].update(
        url=sim_url, sales_source="INTERNET", company_class="Internet", timeout=10.0
    )
    config["orders"].update(settle_seconds=0, backoff_seconds=0.0, poll_seconds=0.2)
    config["orders"].update(orders)
    return config


def khaos_product(
    sim: RunningSimulator | None,
    price: str = "10.00",
    *,
    vat: str = "20",
    level: int = 1000,
    code: str | None = None,
    title: str | None = None,
    **item: Any,
) -> Any:
    """A product that exists in Khaos (in the simulator) and in the shop, bound by stock code."""
    code = code or f"TST{next(_codes):05d}"
    if sim is not None:
        sim.control.add_item(
            code, title or f"Item {code}", price, level=level, vat_rate=vat, **item
        )
    product = factories.create_product(
        title=title or f"Item {code}",
        price=Decimal(price),
        num_in_stock=level,
        vat_rate=Decimal(vat),
    )
    bind(product, code)
    return product


def bind(product: Any, code: str, stock_id: str | None = None) -> ProductBinding:
    return ProductBinding.objects.create(
        stock_id=stock_id or f"sim-{code}",
        product=product,
        stock_code=code,
        structure="standalone",
        synced_hash="",
        synced_at=timezone.now(),
    )


def shop_product(price: str = "4.00", vat: str = "20") -> Any:
    """A product the shop sells that Khaos does not know."""
    with index_updates_paused():
        return factories.create_product(
            title="Gift wrap", price=Decimal(price), num_in_stock=100, vat_rate=Decimal(vat)
        )


def basket_of(lines: list[tuple[Any, int]], user: Any = None, vouchers: list[Any] = ()) -> Any:
    basket = Basket.objects.create(owner=user)
    basket.strategy = Selector().strategy(user=user)
    for product, quantity in lines:
        basket.add_product(product, quantity)
    for voucher in vouchers:
        basket.vouchers.add(voucher)
    Applicator().apply(basket, user or AnonymousUser(), None)
    return basket


def address(model: Any = ShippingAddress, **changes: Any) -> Any:
    values: dict[str, Any] = {
        "first_name": "Ann",
        "last_name": "Example",
        "line1": "1 High Street",
        "line4": "York",
        "postcode": "YO1 7HH",
        "country": factories.CountryFactory(),
    }
    if model is ShippingAddress:
        values["phone_number"] = "+441904000000"
    values.update(changes)
    return model.objects.create(**values)


def place_order(
    lines: list[tuple[Any, int]],
    *,
    user: Any = None,
    email: str = "guest@example.com",
    shipping: str | None = "3.95",
    shipping_address: Any = None,
    billing_address: Any = None,
    vouchers: list[Any] = (),
    number: str | None = None,
) -> Any:
    """A real Oscar order, placed through Oscar's OrderCreator."""
    basket = basket_of(lines, user, vouchers)
    method = Free() if shipping is None else FixedPrice(Decimal(shipping), Decimal(shipping))
    extra: dict[str, Any] = {} if user is not None else {"guest_email": email}
    return factories.create_order(
        number=number,
        basket=basket,
        user=user or AnonymousUser(),
        shipping_method=method,
        shipping_address=shipping_address or address(),
        billing_address=billing_address,
        **extra,
    )


def drain(max_passes: int = 100) -> int:
    """Run export passes until nothing is due (retries use no back-off in tests)."""
    from khaos_sync.sync.orders.flow import export_orders_once

    for passes in range(1, max_passes + 1):
        if export_orders_once() is None:
            return passes
    raise AssertionError(f"orders still due after {max_passes} passes")


def refs_in_khaos(sim: RunningSimulator) -> list[str]:
    rows = sim.store.connection().execute("SELECT associated_ref FROM orders ORDER BY order_id")
    return [row[0] for row in rows]
