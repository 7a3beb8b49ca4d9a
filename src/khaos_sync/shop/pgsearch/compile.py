"""Haystack's query tree as SQL over the search table.

Conditions on the document field ("content", as ``auto_query`` writes them)
search the ``document`` tsvector; conditions on other fields compare the values
kept in ``fields``, cast by the SearchIndex field's type. A multi-valued field
(a product's categories) matches when any of its values does. Every value
reaches PostgreSQL as a parameter.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from haystack.backends import SearchNode
from haystack.exceptions import SearchBackendError

from khaos_sync.shop.pgsearch.text import Term, code_query, parse_terms

SQL = tuple[str, list[Any]]
CASTS = {
    "integer": "numeric",
    "float": "numeric",
    "decimal": "numeric",
    "boolean": "boolean",
    "date": "date",
    "datetime": "timestamptz",
}
ORDERED = {"gt": ">", "gte": ">=", "lt": "<", "lte": "<="}
LIKE = {"startswith": "{}%", "endswith": "%{}", "contains": "%{}%"}
TRUE_WORDS = {"true", "1", "yes", "on", "t"}
NARROW = re.compile(r"^(?P<field>\w+):(?:\((?P<many>.*)\)|(?P<one>.*))$", re.S)
# The elements of a field's value: a list's items, or the single value as a list of one.
ELEMENTS = (
    "jsonb_array_elements_text(CASE jsonb_typeof(fields -> %s) WHEN 'array' "
    "THEN fields -> %s ELSE jsonb_build_array(fields -> %s) END)"
)


class Compiler:
    """Builds the WHERE, ranking and ORDER BY of one search."""

    def __init__(self, config: str, fields: Mapping[str, Any], document_field: str) -> None:
        self.config = config
        self.fields = fields
        self.document_fields = {"content", document_field}
        self.ranks: list[SQL] = []

    # --- WHERE ---------------------------------------------------------------

    def where(self, node: SearchNode, negated: bool = False) -> SQL:
        negated = negated != node.negated
        parts: list[SQL] = []
        for child in node.children:
            if isinstance(child, SearchNode):
                parts.append(self.where(child, negated))
            else:
                expression, value = child
                field, filter_type = node.split_expression(expression)
                parts.append(self.condition(field, filter_type, value, negated))
        if not parts:
            return "TRUE", []
        sql = f" {node.connector} ".join(f"({part})" for part, _ in parts)
        params = [param for _, part_params in parts for param in part_params]
        return (f"NOT ({sql})" if node.negated else sql), params

    def condition(self, field: str, filter_type: str, value: Any, negated: bool) -> SQL:
        if field in self.document_fields:
            return self.text_search(value, filter_type == "exact", negated)
        field = self.resolve(field)
        raw = getattr(value, "query_string", value)
        if filter_type in ("content", "exact", "in"):
            if filter_type == "content" and self.kind(field) in ("string", "edge_ngram", "ngram"):
                return self.words_in_field(field, str(raw))
            values = list(raw) if filter_type == "in" else [raw]
            return self.any_equal(field, values)
        if filter_type in ORDERED:
            return self.compare(field, ORDERED[filter_type], raw)
        if filter_type == "range":
            low, high = raw
            low_sql, low_params = self.compare(field, ">=", low)
            high_sql, high_params = self.compare(field, "<=", high)
            return f"({low_sql}) AND ({high_sql})", low_params + high_params
        if filter_type in LIKE:
            pattern = LIKE[filter_type].format(like_escaped(str(raw).lower()))
            return self.exists(field, "lower(e.v) LIKE %s", [pattern])
        raise SearchBackendError(f"the PostgreSQL search backend has no {filter_type!r} filter")

    # --- the document: full text plus codes ------------------------------------

    def text_search(self, value: Any, exact: bool, negated: bool) -> SQL:
        text = str(getattr(value, "query_string", value))
        if getattr(value, "input_type_name", "") == "exact" or exact:
            terms = [Term(text, phrase=True)]
        elif getattr(value, "input_type_name", "") == "not":
            terms = [Term(term.text, term.phrase, True) for term in parse_terms(text)]
        else:
            terms = parse_terms(text)
        query = self.tsquery(terms)
        if query is None:
            return "TRUE", []
        if not negated:
            self.ranks.append(query)
        sql, params = query
        return f"document @@ ({sql})", params

    def tsquery(self, terms: list[Term]) -> SQL | None:
        pieces: list[SQL] = [self.term_query(term) for term in terms]
        if not pieces:
            return None
        return " && ".join(sql for sql, _ in pieces), [p for _, ps in pieces for p in ps]

    def term_query(self, term: Term) -> SQL:
        function = "phraseto_tsquery" if term.phrase else "plainto_tsquery"
        sql, params = f"{function}(%s::regconfig, %s)", [self.config, term.text]
        code = code_query(term.text) if " " not in term.text.strip() else ""
        if code:
            sql, params = f"({sql} || %s::tsquery)", [*params, code]
        return (f"!! ({sql})" if term.negated else f"({sql})"), params

    def words_in_field(self, field: str, text: str) -> SQL:
        return self.exists(
            field,
            "to_tsvector(%s::regconfig, e.v) @@ plainto_tsquery(%s::regconfig, %s)",
            [self.config, self.config, text],
        )

    # --- stored fields -----------------------------------------------------------

    def resolve(self, field: str) -> str:
        """A field of the index; Solr-style "x_exact" names mean "x" when there is no such field."""
        return field if field in self.fields else field.removesuffix("_exact")

    def kind(self, field: str) -> str:
        return str(getattr(self.fields.get(field), "field_type", "string"))

    def typed(self, field: str, sql: str) -> str:
        cast = CASTS.get(self.kind(field))
        return f"({sql})::{cast}" if cast else f"lower({sql})"

    def as_text(self, field: str, value: Any) -> str:
        kind = self.kind(field)
        if kind == "boolean":
            return "true" if str(value).strip().lower() in TRUE_WORDS else "false"
        if hasattr(value, "isoformat"):
            return str(value.isoformat())
        return str(value) if kind in CASTS else str(value).lower()

    def exists(self, field: str, test: str, params: list[Any]) -> SQL:
        return (
            f"EXISTS (SELECT 1 FROM {ELEMENTS} AS e(v) WHERE {test})",
            [field, field, field, *params],
        )

    def any_equal(self, field: str, values: list[Any]) -> SQL:
        texts = [self.as_text(field, value) for value in values]
        cast = CASTS.get(self.kind(field))
        wanted = f"(%s::text[])::{cast}[]" if cast else "%s::text[]"
        return self.exists(field, f"{self.typed(field, 'e.v')} = ANY({wanted})", [texts])

    def compare(self, field: str, operator: str, value: Any) -> SQL:
        test = f"{self.typed(field, 'e.v')} {operator} {self.typed(field, '%s')}"
        return self.exists(field, test, [self.as_text(field, value)])

    # --- facets' narrowing, ranking and order --------------------------------------

    def narrow(self, query: str) -> SQL:
        """Oscar's facet filters, ``field:("a" OR "b")``; anything else matches nothing."""
        match = NARROW.match(query.strip())
        if not match:
            return "FALSE", []
        text = match["many"] if match["many"] is not None else match["one"]
        values = [unquoted(value) for value in text.split(" OR ")]
        return self.any_equal(self.resolve(match["field"]), values)

    def rank(self) -> SQL:
        if not self.ranks:
            return "0", []
        sql = " + ".join(f"ts_rank_cd(document, {query})" for query, _ in self.ranks)
        return sql, [param for _, params in self.ranks for param in params]

    def order(self, sort_by: list[str]) -> SQL:
        parts, params = [], []
        for name in sort_by:
            field = self.resolve(name.lstrip("-")) or "score"
            direction = "DESC" if name.startswith("-") else "ASC"
            if field == "score":
                parts.append(f"score {direction}")
                continue
            parts.append(f"{self.typed(field, 'fields ->> %s')} {direction} NULLS LAST")
            params.append(field)
        return ", ".join([*parts, "score DESC", "id"]), params


def unquoted(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] == '"':
        value = value[1:-1]
    return re.sub(r"\\(.)", r"\1", value)


def like_escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
