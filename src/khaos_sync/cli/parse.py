"""``khaos-sync parse``: read a KSDXML document and print its records as JSON lines.

Useful to check what the connector understands of a document captured from a
retailer's system. Amounts are printed as strings so no precision is lost.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Iterable
from datetime import date, time
from decimal import Decimal
from enum import Enum
from pathlib import Path

import click

from khaos_sync.protocol.errors import DocumentError

# Exit status for a document that could not be read (click uses 2 for usage errors too).
BAD_DOCUMENT = 2

Reader = Callable[[Path], Iterable[object]]


def _stock(path: Path) -> Iterable[object]:
    from khaos_sync.protocol.documents.stock import iter_stock_items

    return iter_stock_items(path)


def _stock_status(path: Path) -> Iterable[object]:
    from khaos_sync.protocol.documents.stock_status import iter_stock_status

    return iter_stock_status(path)


def _web_categories(path: Path) -> Iterable[object]:
    from khaos_sync.protocol.documents.web_categories import parse_web_categories

    return [parse_web_categories(path.read_bytes())]


def _orders(path: Path) -> Iterable[object]:
    from khaos_sync.protocol.documents.orders import parse_orders

    return parse_orders(path.read_bytes())


def _order_status(path: Path) -> Iterable[object]:
    from khaos_sync.protocol.documents.order_status import parse_order_status

    return parse_order_status(path.read_bytes())


def _order_status_ex(path: Path) -> Iterable[object]:
    from khaos_sync.protocol.documents.order_status import parse_order_status_ex

    return parse_order_status_ex(path.read_bytes())


def _customers(path: Path) -> Iterable[object]:
    from khaos_sync.protocol.documents.customers import iter_customers

    return iter_customers(path)


def _deleted_entries(path: Path) -> Iterable[object]:
    from khaos_sync.protocol.documents.deleted import parse_deleted_entries

    return parse_deleted_entries(path.read_bytes())


def _price_lists(path: Path) -> Iterable[object]:
    from khaos_sync.protocol.documents.price_lists import parse_price_lists

    return parse_price_lists(path.read_bytes())


def _catalogue_requests(path: Path) -> Iterable[object]:
    from khaos_sync.protocol.documents.catalogue_requests import parse_catalogue_requests

    return parse_catalogue_requests(path.read_bytes())


def _sop_data(path: Path) -> Iterable[object]:
    from khaos_sync.protocol.documents.sop_data import parse_sop_data

    return [parse_sop_data(path.read_bytes())]


READERS: dict[str, Reader] = {
    "stock": _stock,
    "stock-status": _stock_status,
    "web-categories": _web_categories,
    "web-categories-ex2": _web_categories,
    "orders": _orders,
    "order-status": _order_status,
    "order-status-ex": _order_status_ex,
    "customers": _customers,
    "deleted-entries": _deleted_entries,
    "price-lists": _price_lists,
    "catalogue-requests": _catalogue_requests,
    "sop-data": _sop_data,
}


@click.command()
@click.argument("document", type=click.Choice(sorted(READERS)))
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def parse(document: str, file: Path) -> None:
    """Parse FILE as a KSDXML DOCUMENT and print one JSON object per record."""
    try:
        for record in READERS[document](file):
            click.echo(json.dumps(to_jsonable(record), ensure_ascii=False))
    except DocumentError as exc:
        click.echo(f"error: {file}: {exc}", err=True)
        raise SystemExit(BAD_DOCUMENT) from exc


def to_jsonable(value: object) -> object:
    """Records as plain JSON values: Decimals as strings, dates in ISO 8601."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple | list):
        return [to_jsonable(item) for item in value]
    if isinstance(value, Enum):
        return to_jsonable(value.value)
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, date | time):
        return value.isoformat()
    return value
