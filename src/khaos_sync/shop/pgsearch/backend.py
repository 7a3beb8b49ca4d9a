"""The haystack engine: writes prepared documents to the search table and searches it.

A document's ``document`` vector is its title (weighted highest, for ranking),
its indexed text, and its codes kept whole (see :mod:`.text`). Writes join the
caller's transaction, in a savepoint of their own: a product saved in the
dashboard and its index entry commit or roll back together, and a failed index
write does not undo the save.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, nullcontext
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DatabaseError, connection, transaction
from haystack import connections
from haystack.backends import SQ, BaseEngine, BaseSearchBackend, BaseSearchQuery, log_query
from haystack.constants import DJANGO_CT, DJANGO_ID
from haystack.exceptions import SkipDocument
from haystack.inputs import AutoQuery
from haystack.models import SearchResult
from haystack.utils import get_identifier, get_model_ct
from haystack.utils.app_loading import haystack_get_model

from khaos_sync.shop.pgsearch.compile import Compiler
from khaos_sync.shop.pgsearch.text import code_pieces, code_tokens, search_config

log = logging.getLogger(__name__)

TABLE = "khaos_search_document"
UPSERT = f"""
INSERT INTO {TABLE} (django_ct, django_id, fields, document)
VALUES (%s, %s, %s::jsonb,
        setweight(to_tsvector(%s::regconfig, %s), 'A')
        || to_tsvector(%s::regconfig, %s)
        || array_to_tsvector(%s::text[]))
ON CONFLICT (django_ct, django_id)
DO UPDATE SET fields = EXCLUDED.fields, document = EXCLUDED.document
"""


class PostgresSearchBackend(BaseSearchBackend):
    def __init__(self, connection_alias: str, **options: Any) -> None:
        super().__init__(connection_alias, **options)
        self.config = options.get("SEARCH_CONFIG") or search_config(settings.LANGUAGE_CODE)

    # --- writing -------------------------------------------------------------------

    def update(self, index: Any, iterable: Iterable[Any], commit: bool = True) -> None:
        rows = []
        for obj in iterable:
            try:
                rows.append(self.row(index, index.full_prepare(obj)))
            except SkipDocument:
                log.debug("indexing skipped for %s", get_identifier(obj))
        if rows:
            with self.guarded("updating the search index"):
                connection.cursor().executemany(UPSERT, rows)

    def row(self, index: Any, prepared: dict[str, Any]) -> tuple[Any, ...]:
        text = str(prepared.pop(index.get_content_field(), "") or "")
        codes = code_tokens(text)
        title = str(prepared.get("title") or "")
        stored = json.dumps(prepared, cls=DjangoJSONEncoder)
        body = f"{text}\n{code_pieces(codes)}"
        ct, pk = prepared[DJANGO_CT], str(prepared[DJANGO_ID])
        return (ct, pk, stored, self.config, title, self.config, body, codes)

    def remove(self, obj_or_string: Any, commit: bool = True) -> None:
        app_label, model_name, pk = get_identifier(obj_or_string).split(".", 2)
        with self.guarded("removing from the search index"):
            connection.cursor().execute(
                f"DELETE FROM {TABLE} WHERE django_ct = %s AND django_id = %s",
                [f"{app_label}.{model_name}", pk],
            )

    def clear(self, models: Iterable[Any] | None = None, commit: bool = True) -> None:
        with self.guarded("clearing the search index"):
            if models is None:
                connection.cursor().execute(f"DELETE FROM {TABLE}")
            else:
                cts = [get_model_ct(model) for model in models]
                connection.cursor().execute(f"DELETE FROM {TABLE} WHERE django_ct = ANY(%s)", [cts])

    # --- reading -------------------------------------------------------------------

    @log_query  # type: ignore[untyped-decorator]
    def search(self, query: Any, **kwargs: Any) -> dict[str, Any]:
        node = query if not isinstance(query, str) else text_node(query)
        try:
            with savepoint():
                rows, hits = self.fetch(node, **kwargs)
        except DatabaseError:
            if not self.silently_fail:
                raise
            log.exception("search index: failed searching")
            return {"results": [], "hits": 0}
        return {"results": self.results(rows, kwargs.get("result_class")), "hits": hits}

    def fetch(self, node: Any, **kwargs: Any) -> tuple[list[tuple[Any, ...]], int]:
        unified = connections[self.connection_alias].get_unified_index()
        compiler = Compiler(
            self.config, unified.all_searchfields(), unified.document_field or "text"
        )
        where, where_params = compiler.where(node)
        for narrow in kwargs.get("narrow_queries") or ():
            sql, params = compiler.narrow(narrow)
            where, where_params = f"({where}) AND ({sql})", [*where_params, *params]
        rank, rank_params = compiler.rank()
        order, order_params = compiler.order(list(kwargs.get("sort_by") or []))
        start = int(kwargs.get("start_offset") or 0)
        end = kwargs.get("end_offset")
        sql = (
            f"SELECT django_ct, django_id, fields, {rank} AS score, COUNT(*) OVER () "
            f"FROM {TABLE} WHERE django_ct = ANY(%s) AND ({where}) "
            f"ORDER BY {order} LIMIT %s OFFSET %s"
        )
        params = [
            *rank_params,
            self.model_cts(kwargs.get("models")),
            *where_params,
            *order_params,
            None if end is None else max(int(end) - start, 0),
            start,
        ]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
            if rows or not start:
                return rows, rows[0][4] if rows else 0
            # A page past the end: the matches are still counted.
            cursor.execute(f"SELECT COUNT(*) FROM ({sql}) AS page", [*params[:-2], None, 0])
            return [], cursor.fetchone()[0]

    def model_cts(self, models: Iterable[Any] | None) -> list[str]:
        if models:
            return [get_model_ct(model) for model in models]
        return list(self.build_models_list())

    def results(self, rows: list[tuple[Any, ...]], result_class: Any) -> list[Any]:
        unified = connections[self.connection_alias].get_unified_index()
        indexed = unified.get_indexed_models()
        result_class = result_class or SearchResult
        found = []
        for ct, pk, stored, score, _ in rows:
            app_label, model_name = ct.split(".")
            model = haystack_get_model(app_label, model_name)
            if model not in indexed:
                continue
            fields = unified.get_index(model).fields
            values = json.loads(stored) if isinstance(stored, str) else stored
            extra = {
                name: fields[name].convert(value) if name in fields else value
                for name, value in values.items()
                if name not in (DJANGO_CT, DJANGO_ID)
            }
            found.append(result_class(app_label, model_name, pk, float(score), **extra))
        return found

    def more_like_this(self, model_instance: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        return {"results": [], "hits": 0}

    def ping(self) -> None:
        """Raise unless the search table can be read (for /health/ready)."""
        with savepoint(), connection.cursor() as cursor:
            cursor.execute(f"SELECT 1 FROM {TABLE} LIMIT 1")

    @contextmanager
    def guarded(self, doing: str) -> Iterator[None]:
        """One transaction (a savepoint inside the caller's); SILENTLY_FAIL decides on errors."""
        try:
            with transaction.atomic():
                yield
        except DatabaseError:
            if not self.silently_fail:
                raise
            log.exception("search index: failed %s", doing)


def savepoint() -> Any:
    """A failed search must not break the caller's transaction; outside one it needs none."""
    return transaction.atomic() if connection.in_atomic_block else nullcontext()


def text_node(text: str) -> Any:
    """A raw query string as a search of the document ("*" or nothing: every document)."""
    if text.strip() in ("", "*", "*:*"):
        return SQ()
    return SQ(content=AutoQuery(text))


class PostgresSearchQuery(BaseSearchQuery):
    """Hands haystack's query tree to the backend, which compiles it to SQL."""

    def build_query(self) -> Any:
        return self.query_filter

    def build_query_fragment(self, field: str, filter_type: str, value: Any) -> str:
        return f"{field}__{filter_type}={value}"

    def __str__(self) -> str:
        return str(self.query_filter.as_query_string(self.build_query_fragment))


class PostgresSearchEngine(BaseEngine):
    backend = PostgresSearchBackend
    query = PostgresSearchQuery
