"""What the simulated KCC pushes, built from the SOAP simulator's own answers.

The catalogue, levels and statuses are taken from the SOAP operations
(ExportStock, ExportStockStatus, ExportOrderStatusEx) and read with the
protocol's parsers, so both transports describe exactly the same back office.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from typing import Final

from khaos_sync.protocol.cloud.levels import MAX_ENTRIES
from khaos_sync.protocol.cloud.statuses import CloudStatus
from khaos_sync.protocol.documents.order_status import OrderStatusEx, parse_order_status_ex
from khaos_sync.protocol.documents.stock import StockItem, parse_stock
from khaos_sync.protocol.documents.stock_status import StockStatus, parse_stock_status
from khaos_sync.simulator.catalogue import ids_moved_since, top_level_ids_changed_since
from khaos_sync.simulator.operations import (
    export_order_status_ex,
    export_stock_status,
    stock_export_document,
)
from khaos_sync.simulator.store import Store

STOCK_BATCH: Final = 200


def catalogue_batches(
    store: Store, since: datetime | None, size: int = STOCK_BATCH
) -> Iterator[list[StockItem]]:
    """Items revised since ``since`` (everything when None), SCS families kept whole."""
    ids = top_level_ids_changed_since(store, since)
    for start in range(0, len(ids), size):
        yield parse_stock(stock_export_document(store, ids[start : start + size]))


def level_batches(store: Store, since: datetime | None) -> Iterator[list[StockStatus]]:
    """Levels of items moved since ``since``, every site of an item in the same request."""
    ids = ids_moved_since(store, since)
    if not ids:
        return
    codes = store.codes_of(ids)
    by_item: dict[str, list[StockStatus]] = {}
    for site_id, _name in store.sites():
        document = export_stock_status(
            store,
            {
                "StockCode": ",".join(codes[i] for i in ids),
                "MappingType": 1,
                "SiteID": site_id,
                "LastUpdated": None,
            },
        )
        for entry in parse_stock_status(document):
            key = entry.stock_id or entry.stock_code or ""
            by_item.setdefault(key, []).append(_at_site(entry, site_id))
    yield from _packed(list(by_item.values()))


def _at_site(entry: StockStatus, site_id: int) -> StockStatus:
    # KCC names sites by id; the SOAP document names the site once, for all entries.
    return StockStatus(
        site=str(site_id),
        stock_code=entry.stock_code,
        stock_id=entry.stock_id,
        other_ref=entry.other_ref,
        description=entry.description,
        level=entry.level,
        status=entry.status,
        lead_time=entry.lead_time,
        safe_level=entry.safe_level,
        min_level=entry.min_level,
        buy_price=entry.buy_price,
        sell_price=entry.sell_price,
        web_sell_price=entry.web_sell_price,
        build_potential_children=entry.build_potential_children,
        build_potential_parents=entry.build_potential_parents,
    )


def _packed(groups: Sequence[list[StockStatus]]) -> Iterator[list[StockStatus]]:
    batch: list[StockStatus] = []
    for group in groups:
        if batch and len(batch) + len(group) > MAX_ENTRIES:
            yield batch
            batch = []
        batch.extend(group)
    if batch:
        yield batch


def statuses_since(store: Store, since: datetime) -> list[OrderStatusEx]:
    document = export_order_status_ex(
        store,
        {
            "IDs": "",
            "MappingType": None,
            "DateFrom": since,
            "DateTo": None,
            "IncludeCancelled": True,
            "IncludeTracking": True,
            "ShowItems": True,
            "InvoiceStageIDs": "",
        },
    )
    return parse_order_status_ex(document)


def statuses_of(store: Store, refs: Sequence[str]) -> list[OrderStatusEx]:
    if not refs:
        return []
    document = export_order_status_ex(
        store,
        {
            "IDs": ",".join(refs),
            "MappingType": 4,
            "DateFrom": None,
            "DateTo": None,
            "IncludeCancelled": True,
            "IncludeTracking": True,
            "ShowItems": True,
            "InvoiceStageIDs": "",
        },
    )
    return parse_order_status_ex(document)


def keep_custom_data(store: Store, by_ref: Mapping[str, str]) -> None:
    """KCC keeps each order's Header.CustomData to echo it back in the order's statuses."""
    if not by_ref:
        return
    with store.write() as db:
        db.executemany(
            "INSERT OR REPLACE INTO cloud_custom_data (associated_ref, custom_data) VALUES (?, ?)",
            list(by_ref.items()),
        )


def with_custom_data(store: Store, statuses: Sequence[OrderStatusEx]) -> list[CloudStatus]:
    refs = [s.associated_ref for s in statuses if s.associated_ref]
    marks = ",".join("?" * len(refs))
    rows = store.connection().execute(
        f"SELECT associated_ref, custom_data FROM cloud_custom_data WHERE associated_ref IN ({marks})",
        refs,
    )
    kept = dict(rows.fetchall())
    return [CloudStatus(s, None, None, kept.get(s.associated_ref or "")) for s in statuses]
