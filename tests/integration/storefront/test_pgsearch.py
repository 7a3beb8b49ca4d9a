"""The PostgreSQL search index: codes found whole, the storefront's lists, the sync's updates.

These run on PostgreSQL only (DATABASE_URL=postgres://…); on SQLite they are
skipped with a notice. The expectations shared with Whoosh are in test_search.py.
"""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection
from haystack import connections
from haystack.query import SearchQuerySet
from oscar.core.loading import get_model
from oscar.test import factories

from khaos_sync.shop.pgsearch.backend import PostgresSearchEngine
from khaos_sync.store.search import index_updates_paused
from khaos_sync.store.search_index import reindex_products
from tests.search_backends import restore_search_backend, use_search_backend
from tests.storefront_data import make_fleece

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]
Product = get_model("catalogue", "Product")


@pytest.fixture
def postgres_search(settings):
    previous = connections.connections_info
    use_search_backend("postgres", settings)
    yield
    restore_search_backend(previous, settings)


@pytest.fixture
def shop(postgres_search):
    fleece = make_fleece()
    jacket = factories.ProductFactory(
        title="Rain Jacket",
        upc="RJ-2024/XL",
        description="<p>Navy/White stripes, fully taped seams.</p>",
        stockrecords=[],
        categories=[],
    )
    factories.StockRecordFactory(product=jacket, partner_sku="ABC-123.4", price="55.00")
    call_command("rebuild_index", interactive=False, verbosity=0)
    return fleece, jacket


def found(client, query: str, **params: str) -> list[str]:
    response = client.get("/search/", {"q": query, **params})
    assert response.status_code == 200
    return [result.object.title for result in response.context["page_obj"].object_list]


@pytest.mark.parametrize(
    ("query", "titles"),
    [
        ("ABC-123.4", ["Rain Jacket"]),  # a SKU, whole
        ("abc-123", ["Rain Jacket"]),  # the start of a SKU
        ("ABC-124", []),
        ("RJ-2024/XL", ["Rain Jacket"]),
        ("501234500", ["Fleece"]),  # the start of a barcode
        ("white", ["Rain Jacket"]),  # a word inside "Navy/White"
        ("navy", ["Fleece", "Rain Jacket"]),
        ("fleece -pink", []),
        ("fleece -mustard", ["Fleece"]),
        ('"warmest layer"', ["Fleece"]),
        ('"layer warmest"', []),
        ("warm jacket", []),  # every word must match
    ],
)
def test_codes_words_phrases_and_exclusions(client, shop, query, titles):
    assert sorted(found(client, query)) == titles


@pytest.mark.parametrize("query", ["'", "\\", "a:b", "!&|", "(", '"unclosed', "the", "-", "*"])
def test_query_syntax_of_any_kind_is_only_words(client, shop, query):
    found(client, query)  # answers, without a database error


def test_the_title_ranks_first(client, shop):
    factories.ProductFactory(title="Gloves", description="<p>Pair with the rain jacket.</p>")
    call_command("update_index", verbosity=0)
    assert found(client, "jacket") == ["Rain Jacket", "Gloves"]


def test_catalogue_pages_list_and_sort_from_the_index(client, shop):
    fleece, _ = shop
    response = client.get("/catalogue/", {"sort_by": "price-asc"})
    titles = [result.object.title for result in response.context["page_obj"].object_list]
    assert titles == ["Fleece", "Rain Jacket"]  # from £30 and £55
    response = client.get(fleece.category.get_absolute_url())
    assert [r.object.title for r in response.context["page_obj"].object_list] == ["Fleece"]


def test_every_sort_order_of_the_catalogue_page(client, shop):
    def titles(sort_by: str) -> list[str]:
        response = client.get("/catalogue/", {"sort_by": sort_by})
        return [result.object.title for result in response.context["page_obj"].object_list]

    for sort_by in ("relevancy", "rating", "newest"):
        assert sorted(titles(sort_by)) == ["Fleece", "Rain Jacket"], sort_by
    assert titles("newest") == ["Rain Jacket", "Fleece"]
    assert titles("price-desc") == ["Rain Jacket", "Fleece"]
    assert titles("title-asc") == ["Fleece", "Rain Jacket"]
    assert titles("title-desc") == ["Rain Jacket", "Fleece"]


def test_update_index_drops_entries_of_deleted_products(shop):
    _, jacket = shop
    with index_updates_paused():  # as during a sync: the index is not told
        Product.objects.filter(pk=jacket.pk).delete()
    assert len(SearchQuerySet().auto_query("navy")) == 2
    call_command("update_index", remove=True, verbosity=0)
    assert [r.object.title for r in SearchQuerySet().auto_query("navy")] == ["Fleece"]


def test_a_product_the_sync_hides_leaves_the_index(client, shop):
    _, jacket = shop
    Product.objects.filter(pk=jacket.pk).update(is_public=False)
    reindex_products([jacket.pk])
    assert found(client, "jacket") == []


def test_every_server_reads_the_one_index(shop):
    # Another shop server: an engine of its own over the same database.
    other = PostgresSearchEngine(using="default")
    results = SearchQuerySet(query=other.get_query()).auto_query("ABC-123.4")
    assert [result.pk for result in results] == [str(shop[1].pk)]


def test_a_saved_product_is_indexed_at_once(client, shop):
    _, jacket = shop
    jacket.title = "Storm Jacket"
    jacket.save()  # as in the dashboard: haystack's signal processor
    assert found(client, "storm") == ["Storm Jacket"]


def test_readiness_reports_a_missing_index_table(client, postgres_search):
    assert client.get("/health/ready").status_code == 200
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE khaos_search_document RENAME TO khaos_search_away")
    assert client.get("/health/ready").status_code == 503
