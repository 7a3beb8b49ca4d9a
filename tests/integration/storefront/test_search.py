"""Searching the shop finds a product by its variants' options, SKUs and barcodes.

Each test runs on the embedded Whoosh index and on the PostgreSQL index.
"""

from __future__ import annotations

import pytest
from django.core.management import call_command

from tests.storefront_data import make_fleece

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def fleece(search_backend):
    made = make_fleece()
    call_command("rebuild_index", interactive=False, verbosity=0)
    return made


def found(client, query: str) -> list[str]:
    response = client.get("/search/", {"q": query})
    return [result.object.title for result in response.context["page_obj"].object_list]


@pytest.mark.parametrize("query", ["navy", "Pink", "FLC-PNK-L", "5012345000042", "warmest"])
def test_an_option_sku_barcode_or_the_parents_text_finds_the_parent(client, fleece, query):
    assert found(client, query) == ["Fleece"]


def test_a_colour_no_variant_has_finds_nothing(client, fleece):
    assert found(client, "mustard") == []
