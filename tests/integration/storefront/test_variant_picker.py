"""The variant picker on a parent product page, without a script: a plain form."""

from __future__ import annotations

import pytest
from django.urls import reverse
from oscar.core.loading import get_model

from tests.storefront_data import make_fleece

ProductAttributeValue = get_model("catalogue", "ProductAttributeValue")
pytestmark = pytest.mark.django_db


def picker_url(fleece) -> str:
    parent = fleece.parent
    return reverse("catalogue:variant-add", kwargs={"product_slug": parent.slug, "pk": parent.pk})


def test_the_page_offers_one_choice_per_heading_in_khaos_order(client):
    fleece = make_fleece(headings=("Size", "Colour"))

    page = client.get(fleece.parent.get_absolute_url()).content.decode()

    assert page.index('name="size"') < page.index('name="colour"')
    assert "From" in page and "£30.00" in page and "inc. VAT" in page


def test_posting_the_options_adds_that_variant_to_the_basket(client):
    fleece = make_fleece()

    response = client.post(picker_url(fleece), {"colour": "Pink", "size": "M", "quantity": "2"})

    assert response.status_code == 302
    basket = client.get(reverse("basket:summary")).context["basket"]
    [line] = basket.all_lines()
    assert line.product == fleece.child("Pink", "M")
    assert line.quantity == 2


def test_a_sold_out_size_is_disabled_once_the_colour_is_chosen(client):
    fleece = make_fleece()

    page = client.get(fleece.parent.get_absolute_url(), {"colour": "Navy"}).content.decode()

    assert '<option value="L" disabled>L — sold out</option>' in page
    assert '<option value="M">M</option>' in page


def test_a_combination_that_does_not_exist_cannot_be_chosen(client):
    fleece = make_fleece()

    page = client.get(fleece.parent.get_absolute_url(), {"colour": "Pink"}).content.decode()
    response = client.post(picker_url(fleece), {"colour": "Pink", "size": "S", "quantity": "1"})

    assert '<option value="S" disabled>S</option>' in page
    assert response.status_code == 302
    assert response["Location"].endswith("?colour=Pink&size=S")  # the choice is kept
    assert client.get(reverse("basket:summary")).context["basket"].is_empty


def test_a_sold_out_variant_posted_anyway_is_refused_with_the_reason(client):
    fleece = make_fleece()

    response = client.post(
        picker_url(fleece), {"colour": "Navy", "size": "L", "quantity": "1"}, follow=True
    )

    assert "no stock available" in response.content.decode()
    assert response.context["basket"].is_empty


def test_a_variant_page_inherits_the_parents_text(client):
    fleece = make_fleece()

    page = client.get(fleece.child("Navy", "S").get_absolute_url()).content.decode()

    assert "Warm, soft and made to last." in page
    assert "Our warmest layer" in page
    assert "Product code" in page and "FLC-NVY-S" in page
    assert "UPC" not in page


def test_variants_without_options_are_offered_by_title(client):
    fleece = make_fleece()
    ProductAttributeValue.objects.filter(product__parent=fleece.parent).delete()

    page = client.get(fleece.parent.get_absolute_url()).content.decode()
    response = client.post(
        picker_url(fleece), {"variant": "Fleece / Pink / L", "quantity": "1"}, follow=True
    )

    assert '<option value="Fleece / Navy / L" disabled>' in page
    [line] = response.context["basket"].all_lines()
    assert line.product == fleece.child("Pink", "L")
