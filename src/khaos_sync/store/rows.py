"""Plain rows into Oscar's tables: one ``executemany`` per statement, no SQL compiled per object.

Django's ``bulk_create`` and ``bulk_update`` compile and adapt every field of
every object; on a full catalogue sync that was most of the time spent (see
docs/catalogue.md). Here the statement is built once per batch and only the
column types the database driver cannot take as they are (decimals, dates,
JSON) go through the field's own adaptation, so the rows stored are the same
as Django's. Like ``bulk_create``, no ``save()`` and no signal runs: callers
derive what ``save()`` would (slugs, visibility) and do the per-batch work.

Keys of new rows are known without ``RETURNING`` (which ``executemany`` cannot
give): PostgreSQL hands out the keys from the table's sequence first; SQLite
has one writer at a time, so rows inserted in one transaction take consecutive
keys ending at ``last_insert_rowid()``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Iterable, Sequence
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import connection
from django.db.backends.base.operations import BaseDatabaseOperations
from django.db.models import Model
from django.utils import timezone

if TYPE_CHECKING:
    from django.db.models import Field as ModelField

    Field = ModelField[Any, Any]

# Field types whose Python values the drivers do not store the way Django does.
ADAPTED = {"DecimalField", "DateTimeField", "DateField", "TimeField", "JSONField", "UUIDField"}
# Below this many rows a plain INSERT costs no more than setting up a COPY.
COPY_FROM_ROWS = 50


def column(field: Any) -> str:
    return str(field.column)


def adapter(field: Field) -> Callable[[Any], Any] | None:
    """The field's own adaptation, skipped where it would hand the value back as it is.

    Decided once per column of a statement. A batch repeats the same objects
    many times (``None``, the batch's one ``now``, a default ``[]``), so an
    object's adapted form is remembered by identity for the statement: the same
    object always adapts the same way. A finite ``Decimal`` is what
    ``DecimalField`` stores unchanged on both databases; a plain ``dict`` or
    ``list`` goes straight to the backend's JSON adaptation, which is all
    ``JSONField`` does with one. An aware ``datetime`` is what
    ``DateTimeField``'s preparation hands back as it is, so it goes straight to
    the backend's adaptation (about a fifth of the time, on a column such as a
    binding's revision date where every row holds its own value).
    """
    kind = field.get_internal_type()
    if kind not in ADAPTED:
        return None
    prep = field.get_db_prep_save
    if kind == "DecimalField" and decimal_is_stored_as_is():

        def adapt_decimal(value: Any) -> Any:
            if value is None or (type(value) is Decimal and value.is_finite()):
                return value
            return prep(value, connection)

        return adapt_decimal
    convert = converter(kind, field)
    seen: dict[int, tuple[Any, Any]] = {}

    def adapt(value: Any) -> Any:
        if value is None:
            return None  # NULL for every adapted type
        known = seen.get(id(value))
        if known is not None and known[0] is value:
            return known[1]
        adapted = convert(value)
        seen[id(value)] = (value, adapted)  # the value is kept: its id stays its own
        return adapted

    return adapt


def converter(kind: str, field: Field) -> Callable[[Any], Any]:
    if kind == "JSONField":
        return json_converter(field)
    if kind == "DateTimeField":
        return datetime_converter(field)
    prep = field.get_db_prep_save

    def convert(value: Any) -> Any:
        return prep(value, connection)

    return convert


def json_converter(field: Field) -> Callable[[Any], Any]:
    prep = field.get_db_prep_save
    to_json, encoder = connection.ops.adapt_json_value, field.encoder  # type: ignore[attr-defined]
    # Most rows hold an empty list or dict (no images, no owned fields): encoded once.
    empty = {dict: to_json({}, encoder), list: to_json([], encoder)}

    def convert(value: Any) -> Any:
        kind = type(value)
        if kind is dict or kind is list:
            return to_json(value, encoder) if value else empty[kind]
        return prep(value, connection)

    return convert


def datetime_converter(field: Field) -> Callable[[Any], Any]:
    prep, to_db = field.get_db_prep_save, aware_datetime_to_db()

    def convert(value: Any) -> Any:
        if type(value) is datetime and value.utcoffset() is not None:
            return to_db(value)
        return prep(value, connection)

    return convert


def aware_datetime_to_db() -> Callable[[datetime], Any]:
    """The backend's adaptation of an aware datetime.

    SQLite's is written out here: with time zones on, Django stores the text of
    the time in the connection's zone; its own function checks the setting and
    the zone again for every value.
    """
    adapt = connection.ops.adapt_datetimefield_value
    if connection.vendor != "sqlite" or not settings.USE_TZ:
        return adapt
    from django.db.backends.sqlite3.operations import DatabaseOperations

    if type(connection.ops).adapt_datetimefield_value is not (
        DatabaseOperations.adapt_datetimefield_value
    ):
        return adapt
    zone = connection.timezone

    def to_text(value: datetime) -> str:
        return str(value.astimezone(zone).replace(tzinfo=None))

    return to_text


def decimal_is_stored_as_is() -> bool:
    """True where the backend's decimal adaptation is the identity (Django's default)."""
    ops = type(connection.ops)
    return ops.adapt_decimalfield_value is BaseDatabaseOperations.adapt_decimalfield_value


def concrete_fields(model: type[Model], names: Sequence[str]) -> list[Field]:
    """Fields by name or attname (``product`` and ``product_id`` both work)."""
    by_name = {}
    for field in model._meta.concrete_fields:
        by_name[field.name] = field
        by_name[field.attname] = field
    return [by_name[name] for name in names]


def filled(model: type[Model], fields: list[Field]) -> tuple[list[Field], list[Any]]:
    """The other columns of a new row, with the values ``bulk_create`` would give them."""
    given = {f.attname for f in fields}
    now = timezone.now()
    rest, values = [], []
    for field in model._meta.concrete_fields:
        if field.primary_key or field.attname in given:
            continue
        rest.append(field)
        auto = getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
        values.append(now if auto else field.get_default())
    return rest, values


def adapt_rows(fields: list[Field], rows: Iterable[Sequence[Any]]) -> list[Sequence[Any]]:
    """Rows with each value the way Django would store it; only the adapted columns are touched."""
    adapters = [(i, a) for i, f in enumerate(fields) if (a := adapter(f)) is not None]
    if not adapters:
        return [row if type(row) is tuple else tuple(row) for row in rows]
    adapted: list[Sequence[Any]] = []
    for row in rows:
        values = list(row)
        for i, adapt in adapters:
            values[i] = adapt(values[i])
        adapted.append(values)
    return adapted


def where_in(column_sql: str, values: Collection[Any]) -> tuple[str, list[Any]]:
    """``column IN (values)`` with one parameter however many values there are.

    A list of thousands of ``%s`` built through Django's lookups costs more than
    the query; PostgreSQL takes the values as one array (``= ANY(%s)``), SQLite
    as one JSON array it unpacks itself (``json_each``).
    """
    if connection.vendor == "postgresql":
        return f"{column_sql} = ANY(%s)", [list(values)]
    return f"{column_sql} IN (SELECT value FROM json_each(%s))", [json.dumps(list(values))]


def select(sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def table(model: type[Model]) -> str:
    return str(connection.ops.quote_name(model._meta.db_table))


def delete_where(
    model: type[Model],
    column_name: str,
    values: Collection[Any],
    more: str = "",
    more_params: Sequence[Any] = (),
) -> None:
    """Delete the rows whose ``column_name`` is one of ``values`` (and ``more``, SQL).

    Through the ORM (its signals and cascades run) where there is anything to
    delete; a batch of new items has nothing, learnt with one plain query.
    """
    if not values:
        return
    in_values, params = where_in(column_name, values)
    found = select(
        f"SELECT id FROM {table(model)} WHERE {in_values}{more}", [*params, *more_params]
    )
    if found:
        model._default_manager.filter(pk__in=[pk for (pk,) in found]).delete()


def insert_sql(model: type[Model], fields: list[Field]) -> str:
    quote = connection.ops.quote_name
    columns = ", ".join(quote(column(f)) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    return f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({marks})"


def write_new_rows(model: type[Model], fields: list[Field], rows: list[Sequence[Any]]) -> None:
    """Adapted rows into the model's table: ``COPY`` on PostgreSQL, ``executemany`` elsewhere.

    ``COPY … FROM STDIN`` streams the rows in one round trip, without a
    statement per row to plan and execute; constraints and indexes hold as for
    an ``INSERT``. psycopg adapts each value with the same dumpers it uses for
    query parameters, so the rows stored are the same.
    """
    if connection.vendor == "postgresql" and len(rows) >= COPY_FROM_ROWS:
        quote = connection.ops.quote_name
        columns = ", ".join(quote(column(f)) for f in fields)
        with connection.cursor() as cursor:
            raw = cursor.cursor  # psycopg's own cursor, under Django's wrapper
            with raw.copy(f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        return
    with connection.cursor() as cursor:
        cursor.executemany(insert_sql(model, fields), rows)


def insert_rows(model: type[Model], names: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Insert rows of ``names``; every other column gets its model default."""
    if not rows:
        return
    fields = concrete_fields(model, names)
    rest, defaults = filled(model, fields)
    all_fields = fields + rest
    extra = tuple(defaults)
    write_new_rows(model, all_fields, adapt_rows(all_fields, (tuple(r) + extra for r in rows)))


def insert_keyed_rows(
    model: type[Model], names: Sequence[str], rows: Sequence[Sequence[Any]]
) -> list[int]:
    """Insert rows of ``names`` (other columns: model defaults); the new keys, in order."""
    if not rows:
        return []
    fields = concrete_fields(model, names)
    rest, defaults = filled(model, fields)
    fields += rest
    extra = tuple(defaults)
    pk = model._meta.pk
    assert pk is not None
    keys = reserve_keys(model, len(rows))
    if keys is not None:
        fields = [pk, *fields]
        full = [(key, *row, *extra) for key, row in zip(keys, rows, strict=True)]
    else:
        full = [(*row, *extra) for row in rows]
    write_new_rows(model, fields, adapt_rows(fields, full))
    if keys is None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT last_insert_rowid()")
            last = cursor.fetchone()[0]
            keys = list(range(last - len(rows) + 1, last + 1))
    return keys


def reserve_keys(model: type[Model], count: int) -> list[int] | None:
    """Keys taken from the table's sequence on PostgreSQL; None where the insert decides."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [model._meta.db_table, column(model._meta.pk), count],
        )
        return [row[0] for row in cursor.fetchall()]


def update_instances(model: type[Model], objects: Sequence[Model], names: Sequence[str]) -> None:
    """Write ``names`` of saved instances, one ``UPDATE … WHERE id`` per row in one call."""
    attnames = [f.attname for f in concrete_fields(model, names)]
    update_rows(model, names, [[*(getattr(o, n) for n in attnames), o.pk] for o in objects])


def update_rows(model: type[Model], names: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """``UPDATE`` the columns ``names`` of existing rows; each row ends with its key."""
    if not rows:
        return
    fields = concrete_fields(model, names)
    pk = model._meta.pk
    assert pk is not None
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(column(f))} = %s" for f in fields)
    sql = f"UPDATE {table(model)} SET {assignments} WHERE {quote(column(pk))} = %s"
    with connection.cursor() as cursor:
        cursor.executemany(sql, adapt_rows([*fields, pk], rows))
