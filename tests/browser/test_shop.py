"""The shop and its dashboard, as a person sees them."""

from decimal import Decimal

from django.core.management import call_command
from django.urls import reverse
from oscar.test import factories


def test_staff_logs_into_the_dashboard_and_opens_the_product_list(logged_in_page, live_server):
    page = logged_in_page
    page.goto(f"{live_server.url}/dashboard/")
    assert page.locator("h1").first.inner_text().strip() == "Dashboard"

    product_list = reverse("dashboard:catalogue-product-list")
    page.goto(f"{live_server.url}{product_list}")

    assert "Products" in page.locator("h1").first.inner_text()
    assert page.url.endswith(product_list)


def test_public_product_is_listed_on_its_category_page(page, live_server, transactional_db):
    category = factories.CategoryFactory(name="Board Games", slug="board-games")
    product = factories.ProductFactory(title="Dragonlance Chronicles", vat_rate=Decimal("0"))
    factories.ProductCategoryFactory(product=product, category=category)
    hidden = factories.ProductFactory(title="Unpublished Draft", is_public=False)
    factories.ProductCategoryFactory(product=hidden, category=category)
    call_command("update_index", verbosity=0)

    page.goto(f"{live_server.url}{category.get_absolute_url()}")

    listing = page.locator("section").inner_text()
    assert "Dragonlance Chronicles" in listing
    assert "Unpublished Draft" not in listing
