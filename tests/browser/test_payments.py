"""Paying at the checkout with django-payments' test provider, and what Khaos gets.

A guest buys a Khaos product through every checkout page in Chromium; the
payment page is the dummy provider's, where the test chooses what the
provider answers. The order then goes to the simulated Khaos over SOAP.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from oscar.core.loading import get_model
from oscar.test import factories

from khaos_sync.shop.payments.models import Payment
from khaos_sync.simulator import RunningSimulator, run_in_thread
from khaos_sync.sync.orders.models import OrderExport
from tests.integration.orders.support import drain, khaos_config, khaos_product, refs_in_khaos

Basket = get_model("basket", "Basket")
Order = get_model("order", "Order")


@pytest.fixture
def khaos(tmp_path: Path, settings: Any, transactional_db: None) -> Iterator[RunningSimulator]:
    with run_in_thread(tmp_path / "sim.sqlite3", generate=5, seed=3) as sim:
        settings.KHAOS_SYNC = khaos_config(sim.url)
        factories.CountryFactory(
            iso_3166_1_a2="GB", name="United Kingdom", is_shipping_country=True
        )
        cache.clear()
        yield sim
        cache.clear()


def buy_as_guest(page: Any, live_server: Any, khaos: RunningSimulator) -> None:
    """From a product page to the payment provider's page."""
    product = khaos_product(khaos, "24.99", title="Brass Telescope")
    type(product).objects.filter(pk=product.pk).update(published=True, is_public=True)
    page.goto(f"{live_server.url}{product.get_absolute_url()}")
    page.click("#add_to_basket_form button[type=submit]")
    page.wait_for_load_state()
    page.goto(f"{live_server.url}/checkout/")
    page.fill("#id_username", "ada@example.com")
    page.check("input[name=options][value=anonymous]")
    page.click("form button[type=submit]")
    page.wait_for_load_state()
    page.fill("#id_first_name", "Ada")
    page.fill("#id_last_name", "Lovelace")
    page.fill("#id_line1", "12 St James's Square")
    page.fill("#id_line4", "London")
    page.fill("#id_postcode", "SW1Y 4JH")
    page.click("form#new_shipping_address button[type=submit]")
    page.wait_for_load_state()
    assert "You pay with Test payment" in page.content()
    page.click("#view_preview")
    page.wait_for_load_state()
    page.click("#place-order")
    page.wait_for_load_state()
    assert "/checkout/pay/" in page.url


def provider_answers(page: Any, status: str) -> None:
    page.select_option("#id_status", status)
    page.click("#pay")
    page.wait_for_load_state()


def khaos_payment(khaos: RunningSimulator, number: str) -> dict[str, str]:
    drain()
    assert OrderExport.objects.get(order_number=number).state == "imported"
    (payment,) = khaos.control.order(number)["payments"]
    return payment


def test_a_guest_pays_and_khaos_gets_the_order_with_its_references(
    khaos: RunningSimulator, page: Any, live_server: Any
) -> None:
    buy_as_guest(page, live_server, khaos)
    provider_answers(page, "confirmed")

    assert "/checkout/thank-you/" in page.url
    order = Order.objects.get()
    assert order.number in page.content()
    payment = Payment.objects.get(order=order)
    sent = khaos_payment(khaos, order.number)
    assert sent.get("PREAUTH", "0") == "0"
    assert sent["TRANSACTION_ID"] == order.sources.get().reference
    assert sent["TRANSACTION_ID"].startswith("DUMMY-")
    assert sent["AUTH_CODE"] == payment.auth_code != ""
    assert Decimal(sent["PAYMENT_AMOUNT"]) == Decimal("24.99")


def test_a_declined_payment_shows_why_and_places_no_order(
    khaos: RunningSimulator, page: Any, live_server: Any
) -> None:
    buy_as_guest(page, live_server, khaos)
    provider_answers(page, "rejected")

    assert page.url.endswith("/basket/")
    assert "Your payment was not taken: the payment was declined" in page.content()
    assert "Brass Telescope" in page.content()  # the basket is as the customer left it
    assert not Order.objects.exists() and not OrderExport.objects.exists()
    assert Basket.objects.get().status == Basket.OPEN
    drain()
    assert refs_in_khaos(khaos) == []


def test_a_preauthorised_payment_reaches_khaos_as_preauth(
    khaos: RunningSimulator, page: Any, live_server: Any, browser: Any, admin_user: Any
) -> None:
    buy_as_guest(page, live_server, khaos)
    provider_answers(page, "preauth")

    assert "/checkout/thank-you/" in page.url
    order = Order.objects.get()
    assert khaos_payment(khaos, order.number)["PREAUTH"] == "-1"

    staff = browser.new_context().new_page()
    staff.goto(f"{live_server.url}/accounts/login/")
    staff.fill("#id_login-username", "staff@example.com")
    staff.fill("#id_login-password", "dashboard-pass-1")
    staff.click("button[name=login_submit]")
    staff.wait_for_load_state()
    staff.goto(f"{live_server.url}/dashboard/orders/{order.number}/")
    staff.click("a[href='#payment']")
    table = staff.locator("#gateway-payment")
    assert "Pre-authorized" in table.inner_text()
    assert "dummy" in table.inner_text() and "VISA ending 4242" in table.inner_text()
    staff.context.close()
