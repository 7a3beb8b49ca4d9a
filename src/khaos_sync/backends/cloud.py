"""The Khaos Control Cloud backend: Khaos calls the shop, so the shop asks nothing.

On the cloud transport Khaos Control Cloud pushes items, levels and statuses
to the channel endpoints (``khaos_sync.cloud``) and pulls orders from them.
The flows that ask Khaos (the SOAP pulls, the order export, the customer
import) do not run; a caller that asks anyway gets a clear
:class:`TransportNotAvailable`. The checkout's live check has nothing to ask
and keeps the last levels Khaos pushed.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import NoReturn

from khaos_sync.backends import base
from khaos_sync.backends.ahead import FetchTiming
from khaos_sync.backends.base import (
    CallCounter,
    Change,
    CustomerChunk,
    FetchFailure,
    PriceListAnswer,
    Progress,
    StatusAnswer,
    TransportNotAvailable,
)
from khaos_sync.protocol.documents.deleted import DeletedEntry
from khaos_sync.protocol.documents.order_status import OrderStatusEx
from khaos_sync.protocol.documents.orders import SalesOrder
from khaos_sync.protocol.documents.stock import StockItem
from khaos_sync.protocol.documents.stock_status import ItemEntries, KnownEntries, StockStatus
from khaos_sync.protocol.documents.web_categories import WebCategories
from khaos_sync.protocol.results import OrderImportResult, SiteList, StockListEntry

PUSHED = {
    "items": "Khaos Control Cloud pushes items to the shop (StockUpload)",
    "levels": "Khaos Control Cloud pushes levels to the shop (StockStatusUpload)",
    "orders": "Khaos Control Cloud pulls orders from the shop (OrderDownload)",
    "statuses": "Khaos Control Cloud pushes order statuses to the shop (OrderStatusUpload)",
    "customers": "Khaos Control Cloud offers no customer export to import from",
    "prices": "Khaos Control Cloud pushes price lists to the shop (PriceListUpload)",
    "set-up": "Khaos Control Cloud is not asked questions; see khaos-sync check",
}


class CloudBackend(base.KhaosBackend):
    """The cloud transport: every pull refuses, naming what happens instead."""

    transport = "cloud"

    def __init__(self) -> None:
        self.on_request: CallCounter | None = None

    def close(self) -> None:
        return None

    @staticmethod
    def refuse(what: str) -> NoReturn:
        raise TransportNotAvailable(
            f"khaos.transport is cloud: {PUSHED[what]}; the shop does not call Khaos"
        )

    def version(self) -> str:
        self.refuse("set-up")

    def sites(self) -> SiteList:
        self.refuse("set-up")

    def changed_items(self, since: datetime | None, change: Change) -> Iterator[StockListEntry]:
        self.refuse("items" if change == Change.REVISED else "levels")

    def item_details(
        self, codes: Sequence[str], chunk_size: int, progress: Progress | None = None
    ) -> Iterator[StockItem | FetchFailure]:
        self.refuse("items")

    def web_categories(self, website: str) -> WebCategories:
        self.refuse("items")

    def levels(
        self,
        codes: Sequence[str],
        chunk_size: int,
        progress: Progress | None = None,
        known: KnownEntries | None = None,
        timing: FetchTiming | None = None,
    ) -> Iterator[list[ItemEntries] | FetchFailure]:
        self.refuse("levels")

    def live_levels(self, codes: Sequence[str]) -> list[StockStatus]:
        return []  # nothing to ask: the levels Khaos pushed last are the live ones

    def send_orders(self, orders: Sequence[SalesOrder]) -> OrderImportResult:
        self.refuse("orders")

    def find_orders(self, refs: Sequence[str]) -> list[OrderStatusEx]:
        self.refuse("orders")

    def order_statuses(self, since: datetime, until: datetime) -> StatusAnswer:
        self.refuse("statuses")

    def order_statuses_of(self, refs: Sequence[str]) -> StatusAnswer:
        self.refuse("statuses")

    def deleted_customers(self) -> list[DeletedEntry]:
        self.refuse("customers")

    def customer_codes(self, classes: Sequence[str]) -> list[str]:
        self.refuse("customers")

    def customers(
        self, codes: Sequence[str], chunk_size: int, progress: Progress | None = None
    ) -> Iterator[CustomerChunk | FetchFailure]:
        self.refuse("customers")

    def price_list_names(self) -> list[str]:
        self.refuse("prices")

    def price_list(self, name: str) -> PriceListAnswer:
        self.refuse("prices")
