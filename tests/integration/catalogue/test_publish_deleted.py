"""Ticking "Is public" on a product Khaos deleted says why, on the form and in the review queue."""

from __future__ import annotations

import pytest
from django.forms import BaseForm
from django.forms.formsets import BaseFormSet
from django.urls import reverse
from oscar.core.loading import get_model

from khaos_sync.sync.catalogue.flow import import_stock_files
from khaos_sync.sync.catalogue.models import ProductBinding, ReviewFlag
from tests.integration.catalogue.stock_documents import HEAD, TAIL, item

Category = get_model("catalogue", "Category")
pytestmark = pytest.mark.django_db(transaction=True)


def form_data(context) -> dict:
    """What the browser would post back: every form and formset of the page as rendered."""
    data: dict = {}
    forms: list[BaseForm] = []
    for value in (context[name] for name in context.keys()):  # noqa: SIM118  a ContextList iterates contexts
        if isinstance(value, BaseFormSet):
            forms += value.initial_forms  # the extra, empty forms stay empty
            for field in value.management_form:
                data[field.html_name] = field.value()
            data[f"{value.prefix}-TOTAL_FORMS"] = len(value.initial_forms)
        elif isinstance(value, BaseForm) and name_of(value) == "form":
            forms.append(value)
    for form in forms:
        for field in form:
            value = field.value()
            if value is None or value is False:
                continue
            data[field.html_name] = "on" if value is True else value
    return data


def name_of(form: BaseForm) -> str:
    return "form" if form.prefix is None else form.prefix


def errors(context) -> dict:
    found = {}
    for name in context.keys():  # noqa: SIM118
        value = context[name]
        if isinstance(value, BaseForm) and value.errors:
            found[name] = value.errors
        elif isinstance(value, BaseFormSet) and (any(value.errors) or value.non_form_errors()):
            found[name] = [value.errors, value.non_form_errors()]
    return found


@pytest.fixture
def deleted_product(tmp_path):
    path = tmp_path / "stock.xml"
    path.write_text(HEAD + item("100", "GONE-1", "Gone", "5.00", deleted=True) + TAIL)
    import_stock_files([path])
    product = ProductBinding.objects.get(stock_id="100").product
    # Oscar's form needs one; made through the manager, as treebeard 7 asks.
    product.categories.add(Category.objects.add_root({"name": "Mugs"}))
    return product


def test_publishing_a_deleted_product_says_why(client, admin_user, deleted_product):
    client.force_login(admin_user)
    url = reverse("dashboard:catalogue-product", kwargs={"pk": deleted_product.pk})
    data = form_data(client.get(url).context)
    data["is_public"] = "on"

    response = client.post(url, data)

    assert response.status_code == 200  # the form again, not "Updated product"
    assert "deleted in Khaos" in response.content.decode()
    deleted_product.refresh_from_db()
    assert not deleted_product.published and not deleted_product.is_public
    flag = ReviewFlag.objects.get(kind=ReviewFlag.Kind.DELETED, resolved_at=None)
    assert flag.khaos_ref == "100" and "tried to publish it" in flag.reason
    queue = client.get(reverse("khaos-catalogue:review")).content.decode()
    assert "tried to publish it" in queue and "cannot be published" in queue


def test_other_edits_of_a_deleted_product_still_save(client, admin_user, deleted_product):
    client.force_login(admin_user)
    url = reverse("dashboard:catalogue-product", kwargs={"pk": deleted_product.pk})
    data = form_data(client.get(url).context)
    data["title"] = "Better name"

    response = client.post(url, data)

    assert response.status_code == 302, errors(response.context)
    deleted_product.refresh_from_db()
    assert deleted_product.title == "Better name"
