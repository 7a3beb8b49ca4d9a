"""A trade customer's product page and basket, priced from Khaos price lists."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.utils import timezone
from oscar.core.loading import get_model

from khaos_sync.simulator import RunningSimulator, run_in_thread
from khaos_sync.sync.catalogue.flow import sync_catalogue_once
from khaos_sync.sync.catalogue.models import ProductBinding
from khaos_sync.sync.customers.models import CustomerBinding
from khaos_sync.sync.prices.flow import sync_prices_once
from khaos_sync.sync.stock.flow import sync_stock_once
from tests.integration.prices.support import khaos_price_lists

Product = get_model("catalogue", "Product")
PASSWORD = "trade-pass-1"


@pytest.fixture
def khaos(tmp_path: Path, settings: Any, transactional_db: None) -> Iterator[RunningSimulator]:
    """Khaos with an item on the Web, Trade and Retailers lists; the shop synced."""
    with run_in_thread(tmp_path / "sim.sqlite3", generate=12, seed=2) as sim:
        sim.control.add_item("PL0001", "Trade Widget", "12.00", level=500)
        khaos_price_lists(sim, "PL0001")
        config = dict(settings.KHAOS_SYNC)
        config["khaos"] = {**config["khaos"], "url": sim.url, "stock_sites": [1, 2]}
        config["prices"] = {
            **config["prices"],
            "web_list": "Web Prices",
            "gross_lists": ["Web Prices"],
        }
        settings.KHAOS_SYNC = config
        sync_catalogue_once(full=True)
        Product.objects.update(published=True)
        Product.objects.filter(khaos_deleted=False).update(is_public=True)
        sync_stock_once()
        sync_prices_once()
        cache.clear()
        yield sim
        cache.clear()


@pytest.fixture
def trade_buyer(django_user_model: Any, khaos: RunningSimulator) -> Any:
    user = django_user_model.objects.create_user(
        username="buyer@trade.example", email="buyer@trade.example", password=PASSWORD
    )
    CustomerBinding.objects.create(
        user=user,
        company_code="CU900001",
        company_class="Trade",
        source=CustomerBinding.Source.CUSTOMER_IMPORT,
        synced_at=timezone.now(),
    )
    return user


def product_url(live_server: Any) -> str:
    product = ProductBinding.objects.get(stock_code="PL0001").product
    return f"{live_server.url}{product.get_absolute_url()}"


def log_in(page: Any, live_server: Any) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_login-username", "buyer@trade.example")
    page.fill("#id_login-password", PASSWORD)
    page.click("button[name=login_submit]")
    page.wait_for_load_state()


def shown_price(page: Any) -> Decimal:
    text = page.locator(".product_main .price_color").first.inner_text()
    return Decimal(text.split()[0].lstrip("£").replace(",", ""))  # "£8.40 inc. VAT"


def test_a_visitor_sees_the_web_list_price_and_a_trade_buyer_the_trade_price(
    page: Any, live_server: Any, trade_buyer: Any
) -> None:
    page.goto(product_url(live_server))
    assert shown_price(page) == Decimal("11.40")

    log_in(page, live_server)
    page.goto(product_url(live_server))
    assert shown_price(page) == Decimal("8.40")  # 7.00 net + VAT


def test_ten_in_a_trade_buyers_basket_get_the_break_price(
    page: Any, live_server: Any, trade_buyer: Any
) -> None:
    log_in(page, live_server)
    page.goto(product_url(live_server))
    page.click("#add_to_basket_form button[type=submit]")
    page.wait_for_load_state()
    page.goto(f"{live_server.url}/basket/")
    page.fill("#id_form-0-quantity", "10")
    # Wait for the basket's own POST to answer: leaving the page earlier drops it.
    with page.expect_response(lambda r: r.request.method == "POST" and "/basket/" in r.url):
        page.click(".checkout-quantity button[type=submit]")
    page.goto(f"{live_server.url}/basket/")

    assert page.input_value("#id_form-0-quantity") == "10"
    totals = page.locator("#basket_totals").inner_text()
    assert "£72.00" in totals  # 10 × 7.20 (6.00 net from 10)
