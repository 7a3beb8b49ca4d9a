"""A customer buys a fleece in the colour and size they want, with and without JavaScript."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command

from tests.storefront_data import make_fleece

# Screenshots for a person to look at (not compared): var/test-artifacts/ in the checkout.
ARTIFACTS = Path(__file__).resolve().parents[2] / "var" / "test-artifacts"
WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}


@pytest.fixture
def fleece(transactional_db):
    made = make_fleece()
    # A fresh index: entries of earlier tests' products (gone from the database, their
    # ids not reused on PostgreSQL) would otherwise crowd the search results.
    call_command("rebuild_index", interactive=False, verbosity=0)
    return made


@pytest.fixture
def page_without_js(browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    context.close()


def basket_text(page, live_server) -> str:
    page.goto(f"{live_server.url}/basket/")
    return page.locator("#content_inner").inner_text()


def test_choosing_colour_and_size_adds_that_variant(page, live_server, fleece):
    page.goto(f"{live_server.url}{fleece.parent.get_absolute_url()}")
    assert page.locator("#variant_add").is_disabled()  # nothing chosen yet

    page.select_option("#id_option_colour", "Navy")
    assert page.locator("#id_option_size option[value=L]").is_disabled()
    assert "sold out" in page.locator("#id_option_size option[value=L]").inner_text()
    page.select_option("#id_option_size", "M")

    assert page.locator("#variant_price").inner_text() == "£30.00 inc. VAT"
    assert page.locator("#variant_availability").inner_text() == "Low stock"
    page.click("#variant_add")
    page.wait_for_load_state()

    assert "Fleece / Navy / M" in basket_text(page, live_server)


def test_a_size_that_does_not_exist_in_a_colour_cannot_be_chosen(page, live_server, fleece):
    page.goto(f"{live_server.url}{fleece.parent.get_absolute_url()}")

    page.select_option("#id_option_colour", "Pink")

    assert page.locator("#id_option_size option[value=S]").is_disabled()
    page.select_option("#id_option_size", "L")
    assert page.locator("#variant_price").inner_text() == "£32.00 inc. VAT"
    assert page.locator("#variant_availability").inner_text() == "In stock"


def test_the_picker_works_without_javascript(page_without_js, live_server, fleece):
    page = page_without_js
    page.goto(f"{live_server.url}{fleece.parent.get_absolute_url()}")

    page.select_option("#id_option_colour", "Navy")
    page.click("#variant_check")
    page.wait_for_load_state()
    assert page.locator("#id_option_size option[value=L]").is_disabled()

    page.select_option("#id_option_size", "S")
    page.click("#variant_add")
    page.wait_for_load_state()

    assert "Fleece / Navy / S" in basket_text(page, live_server)


@pytest.mark.parametrize("width", sorted(WIDTHS))
def test_product_page_screenshots_are_kept_for_review(browser, live_server, fleece, width):
    w, h = WIDTHS[width]
    context = browser.new_context(viewport={"width": w, "height": h})
    page = context.new_page()
    page.goto(f"{live_server.url}{fleece.parent.get_absolute_url()}")
    page.select_option("#id_option_colour", "Navy")
    page.select_option("#id_option_size", "M")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / f"product-page-{width}.png"

    page.screenshot(path=str(shot), full_page=True)
    context.close()

    assert shot.stat().st_size > 10_000  # a rendered page, not an empty image


def test_searching_navy_finds_the_fleece_from_its_lowest_price(page, live_server, fleece):
    page.goto(f"{live_server.url}/")
    page.fill("#id_q", "navy")
    page.press("#id_q", "Enter")
    page.wait_for_load_state()

    result = page.locator(".product_pod", has_text="Fleece")
    assert "From £30.00 inc. VAT" in " ".join(result.inner_text().split())
    result.locator("h3 a").click()
    page.wait_for_load_state()
    assert page.locator("#variant_picker").is_visible()
