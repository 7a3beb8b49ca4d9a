"""Values written as rows are stored exactly as Django would store them.

The row writer skips a field's own preparation where it would hand the value
back unchanged; what reaches the database must not differ, or a binding read
back through the ORM (the dashboard, the next sync) would see another time.
"""

from __future__ import annotations

import warnings
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from oscar.test.factories import create_product

from khaos_sync.store.rows import adapt_rows, concrete_fields, insert_keyed_rows
from khaos_sync.sync.catalogue.models import ProductBinding

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
TIMES = [
    datetime(2024, 1, 15, 9, 30, 5, tzinfo=LONDON),  # GMT
    datetime(2024, 7, 15, 9, 30, 5, 123456, tzinfo=LONDON),  # BST, with microseconds
    datetime(2024, 10, 27, 1, 30, tzinfo=LONDON, fold=1),  # the hour that repeats
    datetime(2024, 3, 31, 23, 59, 59, tzinfo=UTC),
    datetime(1999, 12, 31, 23, 0, tzinfo=ZoneInfo("America/New_York")),
]


@pytest.mark.parametrize("moment", TIMES, ids=str)
def test_an_aware_time_is_stored_as_the_field_would_store_it(moment):
    (field,) = concrete_fields(ProductBinding, ["khaos_revised_at"])
    ((stored,),) = adapt_rows([field], [(moment,)])
    assert stored == field.get_db_prep_save(moment, connection)


def test_a_naive_time_still_goes_through_the_field():
    (field,) = concrete_fields(ProductBinding, ["khaos_revised_at"])
    naive = datetime(2024, 7, 15, 9, 30)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # Django warns of a naive time
        ((stored,),) = adapt_rows([field], [(naive,)])
        assert stored == field.get_db_prep_save(naive, connection)


def test_times_written_as_rows_read_back_as_the_same_instants():
    written = []
    for number, moment in enumerate(TIMES):
        product = create_product(upc=f"C{number}")
        written.append((f"S{number}", product.pk, f"C{number}", "standalone", moment, moment))
    columns = (
        "stock_id", "product_id", "stock_code", "structure", "synced_at", "khaos_revised_at",
    )  # fmt: skip
    keys = insert_keyed_rows(ProductBinding, columns, written)
    for key, moment in zip(keys, TIMES, strict=True):
        binding = ProductBinding.objects.get(pk=key)
        # Instants, not ``==``: an aware time in a repeated hour never equals one of another zone.
        assert binding.khaos_revised_at.timestamp() == moment.timestamp()
        assert binding.synced_at.timestamp() == moment.timestamp()
