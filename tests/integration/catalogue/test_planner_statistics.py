"""A first sync on PostgreSQL leaves the planner knowing how large the catalogue is.

Tables PostgreSQL has never analysed look empty to its planner, so a batch's
lookups would read the whole table each time; the sync analyses what it fills.
"""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from django.db import connection

from khaos_sync.cli.main import cli
from khaos_sync.simulator.runner import run_in_thread
from khaos_sync.store.catalogue import growing_tables

pytestmark = pytest.mark.django_db(transaction=True)


def estimated_rows(table: str) -> float:
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [table])
        (rows,) = cursor.fetchone()
        return float(rows)


@pytest.mark.postgres
@pytest.mark.slow
def test_after_a_first_sync_the_planner_knows_the_tables_are_not_empty(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: its planner's statistics")
    with run_in_thread(tmp_path / "khaos.sqlite3", generate=3000, seed=11) as sim:
        synced = CliRunner().invoke(cli, ["sync", "catalogue", "--full", "--url", sim.url])
        assert synced.exit_code == 0, synced.output
    # A table never analysed reads -1 here: the planner takes it for nearly empty.
    for table in (
        "catalogue_product",
        "catalogue_productattributevalue",
        "khaos_catalogue_productbinding",
        "partner_stockrecord",
    ):
        assert estimated_rows(table) > 1000, table


def test_the_tables_are_analysed_each_time_their_rows_double():
    tables = growing_tables()
    tables.written(1500)
    tables.written(600)  # 2,100 rows: past the first 2,000
    tables.written(2000)  # 4,100: not yet twice 2,100
    tables.written(200)  # 4,300
    expected = 2 if connection.vendor == "postgresql" else 0  # SQLite plans without them
    assert tables.analyzed == expected
