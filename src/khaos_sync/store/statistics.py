"""Keeping PostgreSQL's planner informed while a bulk run fills empty tables.

A first sync writes a whole catalogue into tables PostgreSQL has never
analysed, and autovacuum may not get to them before the run ends. Until then
the planner takes each for nearly empty and answers a batch's lookups
(``product_id = ANY(…)``) by reading the whole table: every batch costs more
than the one before, and a 100k first sync spends most of its time scanning.
Analysing the tables a run writes each time their rows have doubled keeps the
estimates within a factor of two for a handful of ``ANALYZE`` statements.
SQLite's planner prefers an index without statistics, so it is left alone.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection
from django.db.models import Model

# Below this many rows a table scan is as cheap as an index: nothing to gain.
FIRST_ANALYZE_ROWS = 2000


class GrowingTables:
    """Counts the rows a run writes into ``models``' tables; analyses them as they double."""

    def __init__(self, models: Sequence[type[Model]], *, first: int = FIRST_ANALYZE_ROWS) -> None:
        self.tables = [m._meta.db_table for m in models]
        self.written_rows = 0
        self.next_analyze = first
        self.analyzed = 0

    def written(self, rows: int) -> None:
        self.written_rows += rows
        if self.written_rows < self.next_analyze or connection.vendor != "postgresql":
            return
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {', '.join(quote(t) for t in self.tables)}")
        self.analyzed += 1
        self.next_analyze = self.written_rows * 2
