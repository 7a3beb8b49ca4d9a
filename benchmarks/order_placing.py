"""A throw-away shop for the order benchmarks: set it up, bind products to Khaos, place orders.

Shared by ``bench_orders.py`` and ``soak.py`` (both run as scripts, so this
directory is on ``sys.path``). Django must be importable with the environment
``shop_environment`` returns before ``setup_shop`` is called.
"""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path
from typing import Any


def shop_environment(workdir: Path, khaos_url: str) -> dict[str, str]:
    """The variables a shop and its exporters need to talk to the simulator at KHAOS_URL."""
    return {
        "KHAOS_SYNC_DATA_DIR": str(workdir / "shop"),
        "DJANGO_SETTINGS_MODULE": "khaos_sync.shop.settings",
        "KHAOS_SYNC_KHAOS_URL": khaos_url,
        "KHAOS_SYNC_KHAOS_SALES_SOURCE": "INTERNET",
        "KHAOS_SYNC_KHAOS_COMPANY_CLASS": "Internet",
        "KHAOS_SYNC_ORDERS_SETTLE_SECONDS": "0",
        "PYTHONPATH": os.pathsep.join(
            filter(None, [str(Path("src").resolve()), os.environ.get("PYTHONPATH")])
        ),
    }


def setup_shop() -> None:
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def khaos_products(sim: Any, count: int) -> list[Any]:
    """COUNT products in the shop, each bound to an item the simulated Khaos stocks."""
    from django.utils import timezone
    from oscar.test import factories

    from khaos_sync.store.search import index_updates_paused
    from khaos_sync.sync.catalogue.models import ProductBinding

    products = []
    for n in range(count):
        code = f"BENCH{n:03d}"
        price = Decimal("4.99") + n
        sim.control.add_item(code, f"Bench item {n}", price, level=1_000_000)
        with index_updates_paused():
            # The code as the product's UPC, as the catalogue sync gives it: a product
            # without one is an item whose code another took, and its lines are held.
            product = factories.create_product(
                title=f"Bench item {n}",
                upc=code,
                price=price,
                num_in_stock=1_000_000,
                vat_rate=Decimal(20),
            )
        ProductBinding.objects.create(
            stock_id=f"bench-{n}",
            product=product,
            stock_code=code,
            structure="standalone",
            synced_hash="",
            synced_at=timezone.now(),
        )
        products.append(product)
    return products


def place(products: list[Any], n: int) -> Any:
    """Order N: two lines of those products, a guest customer, fixed-price delivery."""
    from django.contrib.auth.models import AnonymousUser
    from oscar.core.loading import get_class, get_model
    from oscar.test import factories

    basket = get_model("basket", "Basket").objects.create()
    basket.strategy = get_class("partner.strategy", "Selector")().strategy()
    basket.add_product(products[n % len(products)], 1 + n % 3)
    basket.add_product(products[(n + 2) % len(products)], 1)
    address = get_model("order", "ShippingAddress").objects.create(
        first_name="Bench",
        last_name=f"Customer{n}",
        line1=f"{n} High Street",
        line4="York",
        postcode="YO1 7HH",
        country=factories.CountryFactory(),
    )
    method = get_class("shipping.methods", "FixedPrice")(Decimal("3.95"), Decimal("3.95"))
    return factories.create_order(
        basket=basket,
        user=AnonymousUser(),
        shipping_method=method,
        shipping_address=address,
        guest_email=f"bench{n}@example.com",
    )
