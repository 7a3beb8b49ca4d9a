"""Selecting stock items the way the stock methods do, and what their levels mean."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from khaos_sync.simulator.model import Item
from khaos_sync.simulator.store import Store, stamp

# ExportStock / ExportStockStatus: MappingType -> items column.
EXPORT_MAPPING = {1: "code", 2: "other_ref", 4: "description"}
# GetStockPotential counts from 0 = stock id.
POTENTIAL_MAPPING = {0: "stock_id", 1: "code", 2: "other_ref", 4: "description"}
DATE_COLUMNS = {0: "revised", 1: "launched", 2: "moved"}


class SelectionError(ValueError):
    """A parameter value the real service would refuse."""


def split_codes(text: str | None) -> list[str]:
    return [code.strip() for code in (text or "").split(",") if code.strip()]


def ids_for_codes(
    store: Store, codes: list[str], mapping: int | None, table: dict[int, str]
) -> list[int]:
    default = 1 if 1 in table and 0 not in table else 0
    column = table.get(default if mapping is None else mapping)
    if column is None:
        raise SelectionError(f"MappingType {mapping} is not supported; use one of {sorted(table)}")
    if column == "stock_id":
        codes = [code for code in codes if code.isdigit()]
    ids = store.ids_by_column(column, codes)
    return list(dict.fromkeys(ids))


def top_level_ids_changed_since(store: Store, since: datetime | None) -> list[int]:
    """Parents and standalone items revised since ``since``, counting their children's edits."""
    if since is None:
        rows = store.connection().execute(
            "SELECT stock_id FROM items WHERE parent_id IS NULL ORDER BY stock_id"
        )
        return [int(r[0]) for r in rows]
    rows = store.connection().execute(
        "SELECT DISTINCT COALESCE(parent_id, stock_id) FROM items WHERE revised >= ? ORDER BY 1",
        (stamp(since),),
    )
    return [int(r[0]) for r in rows]


def ids_moved_since(store: Store, since: datetime | None) -> list[int]:
    if since is None:
        rows = store.connection().execute("SELECT stock_id FROM items ORDER BY stock_id")
    else:
        rows = store.connection().execute(
            "SELECT stock_id FROM items WHERE moved >= ? OR revised >= ? ORDER BY stock_id",
            (stamp(since), stamp(since)),
        )
    return [int(r[0]) for r in rows]


def stock_list(
    store: Store, date_type: int | None, since: datetime | None, item_type: int | None
) -> list[dict[str, Any]]:
    column = DATE_COLUMNS.get(date_type or 0)
    if column is None:
        raise SelectionError(f"DateType {date_type} is not supported; use 0, 1 or 2")
    where = ["1 = 1"]
    params: list[Any] = []
    if since is not None:
        where.append(f"i.{column} >= ?")
        params.append(stamp(since))
    if item_type == 1:
        where.append("i.kind = 'scs_parent'")
    elif item_type == 2:
        where.append("i.parent_id IS NOT NULL")
    elif item_type not in (None, 0):
        raise SelectionError(f"StockItemType {item_type} is not supported; use 0, 1 or 2")
    sql = (
        f"SELECT i.code, i.other_ref, i.description, p.code, p.other_ref, i.{column}"
        " FROM items i LEFT JOIN items p ON p.stock_id = i.parent_id"
        f" WHERE {' AND '.join(where)} ORDER BY i.stock_id"
    )
    return [
        {
            "StockCode": code,
            "OtherRef": other_ref,
            "StockDesc": desc,
            "ParentCode": parent_code or "",
            "ParentOtherRef": parent_ref or "",
            "LastUpdated": datetime.fromisoformat(when),
        }
        for code, other_ref, desc, parent_code, parent_ref, when in store.connection().execute(
            sql, params
        )
    ]


def stock_status_code(item: Item, level: int, allocated: int, on_order: int) -> int:
    """STATUS: 0 in stock, 1 all allocated, 2 due in, 3 not due soon, 4 discontinued, 5 not tracked."""
    if item.discontinued:
        return 4
    if not item.stock_controlled or item.kind in {"scs_parent", "pack"}:
        return 5
    if level > 0:
        return 0
    if allocated > 0:
        return 1
    if on_order > 0:
        return 2
    return 3


def pack_potential(item: Item, levels: dict[int, int]) -> int:
    """How many packs the children's levels make (floor of level / quantity, the minimum)."""
    counts = []
    for link in item.pack_children:
        per_pack = max(int(float(link.value or "1")), 1)
        counts.append(max(levels.get(link.target_id, 0), 0) // per_pack)
    return min(counts) if counts else 0


def total_levels(store: Store, ids: Sequence[int]) -> dict[int, tuple[int, int]]:
    """stock_id -> (sum of levels, sum on order) over every site."""
    totals: dict[int, tuple[int, int]] = {}
    for (stock_id, _site), row in store.levels_of(ids).items():
        level, on_order = totals.get(stock_id, (0, 0))
        totals[stock_id] = (level + int(row["level"]), on_order + int(row["on_order"]))
    return totals
