"""The customer import keeps each account's Khaos company class: it chooses their price lists."""

from __future__ import annotations

import pytest

from khaos_sync.sync.customers.flow import import_customers
from khaos_sync.sync.customers.models import CustomerBinding

from .records import TWO_ADDRESSES


@pytest.mark.django_db
def test_the_import_stores_the_company_class_of_each_account(khaos):
    [in_khaos] = khaos.store.customers_where("code = ?", [TWO_ADDRESSES])
    khaos.store.put_customers([type(in_khaos)(**{**in_khaos.__dict__, "company_class": "Trade"})])

    import_customers(url=khaos.url)

    binding = CustomerBinding.objects.get(company_code=TWO_ADDRESSES)
    assert binding.company_class == "Trade"
