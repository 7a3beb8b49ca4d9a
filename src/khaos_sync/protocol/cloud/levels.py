"""The stock status upload: ``StockStatuses`` / ``{"Statuses": [StockStatus]}``.

Each entry becomes the same
:class:`~khaos_sync.protocol.documents.stock_status.StockStatus` record an
ExportStockStatus entry does, so the level mapper and the stock writer are
shared. The level is ``Levels.Available`` when present, else
``RelationshipPotential.FromChildren`` (what a pack or SCS parent can be made
of). Khaos sends at most 100 entries per request.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any, Final

from khaos_sync.protocol.cloud.payload import (
    DEFAULT_MAX_BYTES,
    Format,
    Node,
    Seq,
    compact,
    dump,
    load,
)
from khaos_sync.protocol.documents.stock_status import StockStatus
from khaos_sync.protocol.errors import DocumentError

ROOT = "StockStatuses"
MAX_ENTRIES: Final = 100


def read_stock_status_upload(
    data: bytes | str,
    fmt: Format,
    *,
    max_entries: int = MAX_ENTRIES,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> list[StockStatus]:
    top = load(data, fmt, ROOT, max_bytes=max_bytes)
    if not top.has("Statuses"):
        raise DocumentError("a stock status upload has no Statuses")
    nodes = top.nodes("Statuses")
    if len(nodes) > max_entries:
        raise DocumentError(
            f"a stock status upload carries at most {max_entries} entries, this one {len(nodes)}"
        )
    return [_read_entry(node) for node in nodes]


def _read_entry(node: Node) -> StockStatus:
    if node.text("StockID") is None and node.text("StockCode") is None:
        raise DocumentError(f"{node.where}: StockStatus has neither StockID nor StockCode")
    levels = node.node("Levels")
    potential = node.node("RelationshipPotential")
    available = None if levels is None else levels.as_decimal("Available")
    from_children = None if potential is None else potential.as_decimal("FromChildren")
    return StockStatus(
        site=node.text("SiteID"),
        stock_code=node.text("StockCode"),
        stock_id=node.text("StockID"),
        other_ref=None,
        description=None,
        level=available if available is not None else from_children,
        status=None,
        lead_time=None,
        safe_level=None,
        min_level=None,
        buy_price=None,
        sell_price=None,
        web_sell_price=None,
        build_potential_children=from_children,
        build_potential_parents=None if potential is None else potential.as_decimal("FromParents"),
    )


def write_stock_status_upload(
    entries: Sequence[StockStatus], fmt: Format, *, on_order: dict[str, Decimal] | None = None
) -> bytes:
    if len(entries) > MAX_ENTRIES:
        raise ValueError(f"at most {MAX_ENTRIES} entries per request, got {len(entries)}")
    tree = {"Statuses": Seq("StockStatus", [_entry_tree(e, on_order or {}) for e in entries])}
    return dump(tree, fmt, ROOT)


def _entry_tree(entry: StockStatus, on_order: dict[str, Decimal]) -> dict[str, Any]:
    potential = compact(
        {
            "FromChildren": entry.build_potential_children,
            "FromParents": entry.build_potential_parents,
        }
    )
    level = entry.level
    return compact(
        {
            "StockCode": entry.stock_code,
            "StockID": entry.stock_id,
            "SiteID": entry.site,
            "Levels": None
            if level is None
            else compact({"Available": level, "OnOrder": on_order.get(entry.stock_id or "")}),
            "RelationshipPotential": potential or None,
        }
    )
