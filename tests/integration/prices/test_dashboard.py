"""The dashboard's price list pages and price check, behind their own permission."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from oscar.test import factories

from khaos_sync.sync.prices.flow import sync_prices_once
from tests.integration.orders.support import khaos_product
from tests.integration.prices.support import TRADE_CODE, khaos_customer, khaos_price_lists

pytestmark = pytest.mark.django_db


def staff(*codenames: str):
    user = factories.UserFactory(is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return user


def test_staff_with_the_price_permission_see_lists_and_check_a_customer_price(khaos):
    khaos_product(khaos, "12.00", code="PL0001")
    khaos_price_lists(khaos, "PL0001")
    khaos_customer(khaos, TRADE_CODE, "Trade", "buyer@trade.example", company_id=900001)
    sync_prices_once()
    client = Client()
    client.force_login(staff("view_khaos", "view_pricelist"))

    page = client.get("/dashboard/khaos/prices/")
    assert page.status_code == 200
    assert b"Trade" in page.content and b"Customer class Trade" in page.content

    check = client.get(
        "/dashboard/khaos/prices/check/",
        {"customer": "buyer@trade.example", "product": "PL0001", "quantity": "10"},
    )
    assert check.status_code == 200
    text = check.content.decode()
    assert "7.20" in text and "72.00" in text and "Trade (class)" in text


def test_the_price_pages_need_the_price_permission(khaos):
    client = Client()
    client.force_login(staff("view_khaos"))

    assert client.get("/dashboard/khaos/prices/").status_code == 403
