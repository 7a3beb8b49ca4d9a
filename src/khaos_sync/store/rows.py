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

from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

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

    A batch repeats the same objects many times (``None``, the batch's one
    ``now``), so an object's adapted form is remembered by identity for the
    statement: the same object always adapts the same way. A finite
    ``Decimal`` is what ``DecimalField`` stores unchanged on both databases.
    """
    kind = field.get_internal_type()
    if kind not in ADAPTED:
        return None
    prep = field.get_db_prep_save
    seen: dict[int, tuple[Any, Any]] = {}
    plain_decimal = kind == "DecimalField" and decimal_is_stored_as_is()

    def adapt(value: Any) -> Any:
        if plain_decimal and type(value) is Decimal and value.is_finite():
            return value
        known = seen.get(id(value))
        if known is not None and known[0] is value:
            return known[1]
        adapted = prep(value, connection)
        seen[id(value)] = (value, adapted)  # the value is kept: its id stays its own
        return adapted

    return adapt


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


def adapt_rows(fields: list[Field], rows: Iterable[Sequence[Any]]) -> list[tuple[Any, ...]]:
    adapters = [adapter(f) for f in fields]
    if not any(adapters):
        return [tuple(row) for row in rows]
    return [
        tuple(v if a is None else a(v) for a, v in zip(adapters, row, strict=True)) for row in rows
    ]


def insert_sql(model: type[Model], fields: list[Field]) -> str:
    quote = connection.ops.quote_name
    columns = ", ".join(quote(column(f)) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    return f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({marks})"


def write_new_rows(model: type[Model], fields: list[Field], rows: list[tuple[Any, ...]]) -> None:
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


def insert_instances(model: type[Model], objects: Sequence[Model]) -> None:
    """Insert unsaved instances as ``bulk_create`` would, and give each its key."""
    if not objects:
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    auto = [f for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)]
    for obj in objects:
        for field in auto:
            field.pre_save(obj, add=True)
    names = [f.attname for f in fields]
    rows = [[getattr(obj, name) for name in names] for obj in objects]
    pk = model._meta.pk
    assert pk is not None
    keys = reserve_keys(model, len(objects))
    if keys is not None:
        fields = [pk, *fields]
        rows = [[key, *row] for key, row in zip(keys, rows, strict=True)]
    write_new_rows(model, fields, adapt_rows(fields, rows))
    if keys is None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT last_insert_rowid()")
            last = cursor.fetchone()[0]
            keys = list(range(last - len(objects) + 1, last + 1))
    for obj, key in zip(objects, keys, strict=True):
        setattr(obj, pk.attname, key)
        obj._state.adding = False
        obj._state.db = connection.alias


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
    if not objects:
        return
    fields = concrete_fields(model, names)
    pk = model._meta.pk
    assert pk is not None
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(column(f))} = %s" for f in fields)
    table = quote(model._meta.db_table)
    sql = f"UPDATE {table} SET {assignments} WHERE {quote(column(pk))} = %s"
    attnames = [f.attname for f in fields]
    rows = [[*(getattr(obj, name) for name in attnames), obj.pk] for obj in objects]
    with connection.cursor() as cursor:
        cursor.executemany(sql, adapt_rows([*fields, pk], rows))
