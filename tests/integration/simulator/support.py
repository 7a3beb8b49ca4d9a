"""Helpers for the simulator tests: picking items and writing orders."""

from __future__ import annotations

from decimal import Decimal

from khaos_sync.protocol.documents.orders import (
    Address,
    Customer,
    OrderHeader,
    OrderItem,
    SalesOrder,
    build_orders,
)
from khaos_sync.simulator import RunningSimulator
from khaos_sync.simulator.model import Item


def sellable_item(
    sim: RunningSimulator, *, run_to_zero: bool = False, kind: str = "standalone"
) -> Item:
    """A live, stock-controlled item of ``kind`` with stock at the warehouse."""
    for item in sim.store.items_where("kind = ? ORDER BY stock_id", (kind,)):
        if kind == "pack":
            if _simple_pack(sim, item):
                return item
            continue
        plain = not item.discontinued and item.web and item.stock_controlled
        in_stock = run_to_zero or sim.store.level(item.stock_id, 1) > 0
        if plain and item.run_to_zero == run_to_zero and in_stock:
            return item
    raise LookupError(f"the generated catalogue has no {kind} item with run_to_zero={run_to_zero}")


def customer(**changes: object) -> Customer:
    address = Address(
        address1="1 High Street",
        town="York",
        postcode="YO1 7HH",
        forename="Ann",
        surname="Example",
        email="ann@example.com",
    )
    values: dict[str, object] = {
        "invoice_address": address,
        "other_ref": "shop-1",
        "web_user": "ann@example.com",
    }
    values.update(changes)
    return Customer(**values)  # type: ignore[arg-type]


def order_document(
    ref: str,
    lines: list[tuple[str, int, str]],
    *,
    buyer: Customer | None = None,
    amount: str | None = None,
    delivery: str = "0",
    **header: object,
) -> str:
    """A KSDXMLImportFormat document; ``lines`` are (stock code, qty, gross unit price)."""
    order = sales_order(ref, lines, buyer=buyer, amount=amount, delivery=delivery, **header)
    return build_orders([order]).decode("utf-8")


def sales_order(
    ref: str,
    lines: list[tuple[str, int, str]],
    *,
    buyer: Customer | None = None,
    amount: str | None = None,
    delivery: str = "0",
    **header: object,
) -> SalesOrder:
    return SalesOrder(
        customer=buyer or customer(),
        header=OrderHeader(
            associated_ref=ref,
            order_amount=Decimal(amount) if amount else None,
            delivery_grs=Decimal(delivery),
            **header,  # type: ignore[arg-type]
        ),
        items=tuple(
            OrderItem(stock_code=code, order_qty=Decimal(qty), price_grs=Decimal(price))
            for code, qty, price in lines
        ),
    )


def _simple_pack(sim: RunningSimulator, pack: Item) -> bool:
    """A live pack whose children can all be sold whatever their level."""
    children = sim.store.items_by_ids([link.target_id for link in pack.pack_children])
    if pack.discontinued or len(children) < 2:
        return False
    return not any(child.discontinued or child.run_to_zero for child in children)
