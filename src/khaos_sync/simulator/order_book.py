"""Persistence of orders and invoices."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from khaos_sync.simulator.model import from_dict, to_json
from khaos_sync.simulator.orders_model import Invoice, Order, OrderLine
from khaos_sync.simulator.store import Store, stamp


def save_order(store: Store, order: Order) -> None:
    with store.write() as db:
        db.execute(
            "INSERT OR REPLACE INTO orders (order_id, code, associated_ref, company_id, site_id,"
            " created, changed, data) VALUES (?,?,?,?,?,?,?,?)",
            (
                order.order_id,
                order.code,
                order.associated_ref,
                order.company_id,
                order.site_id,
                stamp(order.created),
                stamp(order.changed),
                to_json(order),
            ),
        )


def save_invoice(store: Store, invoice: Invoice) -> None:
    with store.write() as db:
        db.execute(
            "INSERT OR REPLACE INTO invoices (invoice_id, order_id, code, stage, changed, moved,"
            " data) VALUES (?,?,?,?,?,?,?)",
            (
                invoice.invoice_id,
                invoice.order_id,
                invoice.code,
                invoice.stage,
                stamp(invoice.changed),
                -1 if invoice.moved else 0,
                to_json(invoice),
            ),
        )


def orders_where(store: Store, where: str, params: Sequence[Any] = ()) -> list[Order]:
    sql = f"SELECT data FROM orders WHERE {where}"
    return [_order(row[0]) for row in store.connection().execute(sql, params)]


def find_order(store: Store, reference: str) -> Order | None:
    """An order by Khaos order code or associated (web) ref."""
    found = orders_where(store, "code = ? OR associated_ref = ?", (reference, reference))
    return found[0] if found else None


def invoices_of(store: Store, order_ids: Sequence[int]) -> dict[int, list[Invoice]]:
    result: dict[int, list[Invoice]] = {order_id: [] for order_id in order_ids}
    for start in range(0, len(order_ids), 500):
        chunk = list(order_ids[start : start + 500])
        marks = ",".join("?" * len(chunk))
        sql = f"SELECT data FROM invoices WHERE order_id IN ({marks}) ORDER BY invoice_id"
        for row in store.connection().execute(sql, chunk):
            invoice = _invoice(row[0])
            result[invoice.order_id].append(invoice)
    return result


def _order(text: str) -> Order:
    data = json.loads(text)
    lines = [from_dict(OrderLine, line) for line in data.pop("lines")]
    for key in ("delivery_net", "delivery_gross", "items_net", "items_gross", "computed_total"):
        data[key] = Decimal(data[key])
    for key in ("created", "changed", "cancelled_at"):
        data[key] = datetime.fromisoformat(data[key]) if data[key] else None
    return Order(**data, lines=lines)


def _invoice(text: str) -> Invoice:
    data = json.loads(text)
    for key in ("created", "changed", "ship_date", "issue_date"):
        data[key] = datetime.fromisoformat(data[key]) if data[key] else None
    data["quantities"] = {int(k): int(v) for k, v in data["quantities"].items()}
    return Invoice(**data)
