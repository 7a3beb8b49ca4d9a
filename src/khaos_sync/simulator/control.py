"""The control side: what a person does in Khaos Control, done on request.

:class:`Control` is the Python handle (tests and the demo call it directly);
:func:`route_control` maps the HTTP control API onto the same methods:

    GET  /control/state                      counts, clock, settings, faults
    GET  /control/items/<code>               one item with its levels
    POST /control/items                      add an item     {"code", "description", "price", ...}
    POST /control/items/<code>               edit an item    {"price", "web_price", "description",
                                             "long_desc", "deleted", "discontinued", "run_to_zero",
                                             "udas": [{"name", "type", "value"}], ...}
    POST /control/stock/<code>               {"site": 1, "delta": -3} or {"site": 1, "level": 10}
    GET  /control/orders/<ref>               an order with its invoices
    POST /control/orders/<ref>/stage         {"stage": 12}
    POST /control/orders/<ref>/ship          {"lines": {"CODE": 1}, "consignment_ref": "...",
                                              "courier": "DPD", "tracking_url": "..."}
    POST /control/orders/<ref>/cancel        {"reason": "...", "user": "..."}
    POST /control/clock                      {"seconds": 3600} (or "hours", "days")
    GET  /control/faults                     the active fault rules with their counters
    POST /control/faults                     {"spec": "ImportOrders:drop-after-commit@times=1"}
    POST /control/settings                   {"check_order_amount": false}

Every write stamps the items it touches with the simulated clock (revision
date for edits, movement date for stock), so "changed since" queries see it.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import Any

from khaos_sync.simulator import fulfilment
from khaos_sync.simulator.faults import FaultPlan
from khaos_sync.simulator.model import Item, Uda
from khaos_sync.simulator.order_book import find_order, invoices_of
from khaos_sync.simulator.settings import load_settings, update_settings
from khaos_sync.simulator.store import Store

EDITABLE_TEXT = {
    "description": "description",
    "long_desc": "long_desc",
    "web_teaser": "web_teaser",
    "other_ref": "other_ref",
    "code": "code",
    "availability": "availability",
    "meta_title": "meta_title",
}
EDITABLE_FLAGS = {"web", "discontinued", "run_to_zero", "stock_controlled"}
EDITABLE_MONEY = {
    "price": "sell_price",
    "web_price": "sell_price_web",
    "buy_price": "buy_price",
    "vat_rate": "vat_rate",
}


class ControlError(ValueError):
    """A control request that cannot be carried out."""


class Control:
    def __init__(self, store: Store, faults: FaultPlan | None = None) -> None:
        self.store = store
        self.faults = faults or FaultPlan()

    # items -----------------------------------------------------------------------

    def item(self, code: str) -> Item:
        ids = self.store.ids_by_column("code", [code])
        item = self.store.item(ids[0]) if ids else None
        if item is None:
            raise ControlError(f"no stock item with code {code!r}")
        return item

    def edit_item(self, code: str, /, **changes: Any) -> Item:
        """Change an item as a person would; ``deleted=True`` takes it off the web."""
        with self.store.write():
            item = self.item(code)
            for name, value in changes.items():
                _apply_change(item, name, value)
            item.revised = self.store.now()
            self.store.put_items([item])
        return item

    def file_item(self, code: str, /, categories: list[int]) -> list[int]:
        """Put an item in exactly these web categories, as a person would in Khaos.

        The item's revision date stays as it was: Khaos lists a category change
        only in the web category tree.
        """
        with self.store.write() as db:
            stock_id = self.item(code).stock_id
            db.execute("DELETE FROM category_items WHERE stock_id = ?", (stock_id,))
            self.store.put_category_items((c, stock_id, 0) for c in categories)
        return sorted(categories)

    def add_item(
        self,
        code: str,
        description: str,
        price: Decimal | str = "9.99",
        *,
        level: int = 0,
        site: int = 1,
        **changes: Any,
    ) -> Item:
        with self.store.write():
            if self.store.ids_by_column("code", [code]):
                raise ControlError(f"stock code {code!r} already exists")
            row = self.store.connection().execute(
                "SELECT COALESCE(MAX(stock_id), 1000) + 1 FROM items"
            )
            now = self.store.now()
            item = Item(
                stock_id=int(row.fetchone()[0]),
                code=code,
                description=description,
                sell_price=Decimal(str(price)),
                launched=now,
                revised=now,
                moved=now,
            )
            for name, value in changes.items():
                _apply_change(item, name, value)
            self.store.put_items([item])
            self.store.put_levels(
                [
                    (item.stock_id, s, level if s == site else 0, 0, 0, "")
                    for s, _n in self.store.sites()
                ]
            )
        return item

    def adjust_stock(
        self, code: str, site: int = 1, *, delta: int | None = None, level: int | None = None
    ) -> int:
        """Add ``delta`` to, or set ``level`` as, the available level at ``site``."""
        if (delta is None) == (level is None):
            raise ControlError("give exactly one of delta or level")
        with self.store.write():
            item = self.item(code)
            if site not in {s for s, _n in self.store.sites()}:
                raise ControlError(f"no site {site}")
            change = delta if delta is not None else level - self.store.level(item.stock_id, site)  # type: ignore[operator]
            new_level = self.store.add_level(item.stock_id, site, change)
            self.store.touch_items([item.stock_id], "moved", self.store.now())
        return new_level

    def levels(self, code: str) -> dict[int, int]:
        item = self.item(code)
        return {site: self.store.level(item.stock_id, site) for site, _n in self.store.sites()}

    # orders ----------------------------------------------------------------------------

    def import_log(self) -> list[dict[str, Any]]:
        """Every order of every ImportOrders call, in order: call, ref, outcome, detail."""
        rows = self.store.connection().execute(
            "SELECT call_no, associated_ref, outcome, detail, at FROM import_log ORDER BY seq"
        )
        keys = ("call", "ref", "outcome", "detail", "at")
        return [dict(zip(keys, row, strict=True)) for row in rows]

    def order(self, ref: str) -> dict[str, Any]:
        order = find_order(self.store, ref)
        if order is None:
            raise ControlError(f"no order with code or associated ref {ref!r}")
        invoices = invoices_of(self.store, [order.order_id])[order.order_id]
        data = dataclasses.asdict(order)
        data["invoices"] = [dataclasses.asdict(inv) for inv in invoices]
        return data

    def set_stage(self, ref: str, stage: int) -> dict[str, Any]:
        return dataclasses.asdict(self._fulfil(fulfilment.set_stage, ref, int(stage)))

    def ship(
        self,
        ref: str,
        lines: dict[str, int] | None = None,
        *,
        consignment_ref: str,
        courier: str = "RM48",
        tracking_url: str | None = None,
    ) -> dict[str, Any]:
        invoice = self._fulfil(
            fulfilment.ship,
            ref,
            lines,
            consignment_ref=consignment_ref,
            courier=courier,
            tracking_url=tracking_url,
        )
        return dataclasses.asdict(invoice)

    def cancel(
        self, ref: str, reason: str = "Cancelled by customer", user: str = "Khaos"
    ) -> dict[str, Any]:
        return dataclasses.asdict(self._fulfil(fulfilment.cancel, ref, reason, user))

    def _fulfil(self, action: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return action(self.store, *args, **kwargs)
        except fulfilment.FulfilmentError as exc:
            raise ControlError(str(exc)) from exc

    # clock, faults, settings ------------------------------------------------------------

    def advance_clock(self, seconds: float = 0, *, hours: float = 0, days: float = 0) -> str:
        now = self.store.advance_clock(seconds + hours * 3600 + days * 86400)
        return now.isoformat()

    def now(self) -> str:
        return self.store.now().isoformat()

    def set_faults(self, spec: str) -> dict[str, object]:
        self.faults.set(spec)
        return self.faults.describe()

    def configure(self, **settings: Any) -> dict[str, Any]:
        return dataclasses.asdict(update_settings(self.store, **settings))

    def state(self) -> dict[str, Any]:
        db = self.store.connection()
        counts = {
            table: db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
            for table in ("items", "customers", "orders", "invoices", "categories")
        }
        return {
            "counts": counts,
            "clock": self.now(),
            "settings": dataclasses.asdict(load_settings(self.store)),
            "faults": self.faults.describe(),
        }


def _apply_change(item: Item, name: str, value: Any) -> None:
    if name in EDITABLE_TEXT:
        setattr(item, EDITABLE_TEXT[name], str(value))
    elif name in EDITABLE_MONEY:
        setattr(item, EDITABLE_MONEY[name], Decimal(str(value)))
    elif name in EDITABLE_FLAGS:
        setattr(item, name, bool(value))
    elif name == "deleted":
        # DELETED is derived in Khaos: deleting takes the item off the web.
        item.web = not value
    elif name == "udas":
        item.udas = [
            Uda(u["name"], u.get("type", "TEXT"), str(u.get("value", "")), str(u.get("index", "")))
            for u in value
        ]
    elif name == "is_net":
        item.is_net = bool(value)
    else:
        raise ControlError(f"cannot edit {name!r}")


def route_control(control: Control, method: str, path: str, body: dict[str, Any]) -> Any:
    """Map one control API request onto the handle; returns JSON-able data."""
    parts = [p for p in path.split("/") if p]
    if not parts:
        raise ControlError("no control resource given")
    route = (method, parts[0], len(parts))
    if route == ("GET", "state", 1):
        return control.state()
    if route == ("GET", "items", 2):
        item = control.item(parts[1])
        return {"item": dataclasses.asdict(item), "levels": control.levels(parts[1])}
    if route == ("POST", "items", 1):
        return dataclasses.asdict(control.add_item(**body))
    if route == ("POST", "items", 2):
        return dataclasses.asdict(control.edit_item(parts[1], **body))
    if route == ("POST", "items", 3) and parts[2] == "categories":
        return {"categories": control.file_item(parts[1], [int(c) for c in body["categories"]])}
    if route == ("POST", "stock", 2):
        return {"level": control.adjust_stock(parts[1], **body)}
    if route == ("GET", "orders", 2):
        return control.order(parts[1])
    if method == "POST" and parts[0] == "orders" and len(parts) == 3:
        return _order_action(control, parts[1], parts[2], body)
    if route == ("POST", "clock", 1):
        return {"now": control.advance_clock(**body)}
    if route == ("GET", "faults", 1):
        return control.faults.describe()
    if route == ("POST", "faults", 1):
        return control.set_faults(str(body.get("spec", "")))
    if route == ("POST", "settings", 1):
        return control.configure(**body)
    raise ControlError(f"unknown control request {method} /control/{path}")


def _order_action(control: Control, ref: str, action: str, body: dict[str, Any]) -> Any:
    if action == "stage":
        return control.set_stage(ref, int(body["stage"]))
    if action == "ship":
        return control.ship(
            ref,
            body.get("lines"),
            consignment_ref=str(body["consignment_ref"]),
            courier=str(body.get("courier", "RM48")),
            tracking_url=body.get("tracking_url"),
        )
    if action == "cancel":
        return control.cancel(
            ref, str(body.get("reason", "Cancelled")), str(body.get("user", "Khaos"))
        )
    raise ControlError(f"unknown order action {action!r}")
