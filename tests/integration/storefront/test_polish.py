"""The storefront's finish: language, hosts, menus, escaping, titles, error pages."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from oscar.test import factories

from khaos_sync.config import ConfigError
from khaos_sync.shop.errors import server_error
from khaos_sync.shop.settings import storefront_languages
from tests.storefront_data import make_fleece

pytestmark = pytest.mark.django_db


def html_of(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status
    return response.content.decode()


def title_of(page: str) -> str:
    match = re.search(r"<title>(.*?)</title>", page, re.S)
    assert match is not None
    return " ".join(match.group(1).split())


def test_a_uk_shop_speaks_english_only_and_offers_no_language_selector(client):
    page = html_of(client, "/catalogue/")

    assert settings.LANGUAGES == [("en-gb", "British English")]
    assert 'id="language_selector"' not in page
    assert storefront_languages(["en-gb", "cy"])[1] == ("cy", "Welsh")
    with pytest.raises(ConfigError, match=r"shop\.languages: unknown language code"):
        storefront_languages(["en-gb", "klingon"])


def test_pages_load_nothing_from_other_hosts(client):
    fleece = make_fleece()
    for url in ("/catalogue/", fleece.parent.get_absolute_url(), "/basket/"):
        page = html_of(client, url)
        assets = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', page)
        assert assets, url
        assert [a for a in assets if "//" in a] == [], url


def test_menus_leave_out_categories_with_nothing_to_show(client):
    fleece = make_fleece()
    factories.CategoryFactory(name="Empty Shelf", slug="empty-shelf")

    page = html_of(client, "/catalogue/")
    menu = page[page.index('id="category_menu"') :]

    assert "Knitwear &amp; Fleeces" in menu
    assert "Empty Shelf" not in page
    assert fleece.category.get_absolute_url() in html_of(client, "/catalogue/")


def test_a_subcategory_is_listed_at_its_full_path_and_its_breadcrumbs_lead_up(client):
    fleece = make_fleece()
    zips = type(fleece.category).objects.add_child(
        fleece.category, {"name": "Zip Fleeces", "slug": "zip"}
    )
    factories.ProductCategoryFactory(product=fleece.parent, category=zips)

    assert zips.get_absolute_url() in html_of(client, "/catalogue/")
    page = html_of(client, zips.get_absolute_url())
    crumbs = page[page.index('class="breadcrumb"') :]
    assert f'<a href="{fleece.category.get_absolute_url()}">Knitwear &amp; Fleeces</a>' in crumbs
    assert 'aria-current="page">Zip Fleeces</li>' in crumbs


def test_an_ampersand_in_a_description_is_escaped_once(client):
    fleece = make_fleece()
    fleece.category.description = "<p>Knitwear &amp; fleeces for winter</p>"
    fleece.category.save()

    page = html_of(client, fleece.category.get_absolute_url())

    assert '<meta name="description" content="Knitwear &amp; fleeces for winter"' in page
    assert "&amp;amp;" not in page


def test_titles_name_the_page_then_the_shop(client):
    fleece = make_fleece()
    shop = settings.OSCAR_SHOP_NAME

    assert title_of(html_of(client, "/catalogue/")) == f"All products | {shop}"
    assert title_of(html_of(client, fleece.parent.get_absolute_url())) == f"Fleece | {shop}"
    assert title_of(html_of(client, "/basket/")) == f"Basket | {shop}"


def test_a_missing_page_is_shown_inside_the_shop(client):
    page = html_of(client, "/no-such-page/", status=404)

    assert title_of(page) == f"Page not found | {settings.OSCAR_SHOP_NAME}"
    assert 'id="id_q"' in page  # the search box of the shop's header


def test_a_server_error_page_names_the_shop_without_touching_the_database(rf):
    response = server_error(rf.get("/"))

    assert response.status_code == 500
    page = response.content.decode()
    assert settings.OSCAR_SHOP_NAME in page
    assert "Sorry, something went wrong" in page
