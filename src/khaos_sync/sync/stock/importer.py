"""The level importer: fetch → skip if unchanged → map → save in bulk → packs, alerts, search.

Khaos is asked which items moved (GetStockList, DateType 2 = movement date,
cheap), their levels come in chunks of codes (ExportStockStatus, SiteID -1 =
every site), and each batch of items is written in its own transaction, so a
bad item is logged and skipped without rolling back the others.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from khaos_sync.mappers.stock import (
    ItemStock,
    Site,
    StockMappingError,
    group_by_item,
    map_item_stock,
)
from khaos_sync.protocol.client import KhaosClient
from khaos_sync.protocol.documents.stock_status import StockStatus, iter_stock_status
from khaos_sync.protocol.errors import KhaosError, TransientError
from khaos_sync.store import stock as store
from khaos_sync.store.sites import site_partner
from khaos_sync.sync.core.cursors import advance_cursor, read_cursor
from khaos_sync.sync.core.payloads import raw_payload
from khaos_sync.sync.core.progress import Progress
from khaos_sync.sync.core.runs import RunRecorder, resolve_failures

log = logging.getLogger(__name__)

CURSOR = "stock"
FLOW = "stock"
DATE_MOVEMENT = 2
STOCK_CODE = 1
ALL_SITES = -1
EVERYTHING_SINCE = date(1900, 1, 1)


def khaos_local(moment: datetime) -> datetime:
    # Khaos keeps wall-clock time of the shop's zone, without an offset.
    return timezone.localtime(moment).replace(tzinfo=None)


class StockImporter:
    def __init__(self, client: KhaosClient, recorder: RunRecorder) -> None:
        self.client = client
        self.recorder = recorder
        config = settings.KHAOS_SYNC["stock"]
        self.chunk_size: int = config["export_chunk"]
        self.batch_size: int = config["batch_size"]
        self.buffer = timedelta(minutes=config["change_buffer_minutes"])
        self.sites: list[Site] = []
        self.chosen: list[int] = []
        self.default_site = 1
        self.partner_ids: dict[int, int] = {}
        self.totals = store.LevelWrite()

    # --- the run ---

    def run(self, *, full: bool, progress: Progress | None = None) -> None:
        started = timezone.now()
        self.load_sites()
        codes = store.bound_sellable_codes() if full else self.moved_codes()
        self.recorder.summary["codes"] = len(codes)
        # Every pack, not only those whose components moved: a pack's recipe can
        # change in Khaos without any stock movement.
        self.apply(self.fetch_items(codes, progress), all_packs=True)
        advance_cursor(CURSOR, started)

    def run_codes(self, codes: Sequence[str]) -> None:
        """Fetch named items again now (a retry from the dashboard)."""
        self.load_sites()
        self.apply(self.fetch_items(list(codes), None), all_packs=False)

    def load_sites(self) -> None:
        """Khaos's sites, the ones that feed the web, and their partners."""
        listing = self.call(self.client.get_site_list)
        self.sites = [Site(s.site_id, s.site_name) for s in listing.sites]
        self.default_site = listing.current_site_id or (self.sites[0].site_id if self.sites else 1)
        configured = list(settings.KHAOS_SYNC["khaos"]["stock_sites"])
        self.chosen = configured or [self.default_site]
        names = {site.site_id: site.name for site in self.sites}
        for site_id in self.chosen:
            site_partner(site_id, names.get(site_id, ""))
        self.partner_ids = store.site_partner_ids(self.chosen)
        self.recorder.summary["sites"] = self.chosen
        # The checkout's live check resolves sites from this, without a call of its own.
        self.recorder.summary["site_list"] = [[site.site_id, site.name] for site in self.sites]
        self.recorder.summary["default_site"] = self.default_site

    def moved_codes(self) -> list[str]:
        since = read_cursor(CURSOR, buffer=self.buffer)
        when = EVERYTHING_SINCE if since is None else khaos_local(since)
        listing = self.call(
            lambda: self.client.get_stock_list(date_type=DATE_MOVEMENT, date_value=when)
        )
        return list(dict.fromkeys(entry.stock_code for entry in listing.entries))

    # --- fetching ---

    def fetch_items(self, codes: Sequence[str], progress: Progress | None) -> Iterator[ItemStock]:
        pending = [
            list(codes[i : i + self.chunk_size]) for i in range(0, len(codes), self.chunk_size)
        ]
        while pending:
            chunk = pending.pop(0)
            try:
                document = self.call(lambda c=chunk: self.export_status(c))
            except TransientError as exc:
                if len(chunk) == 1:
                    self.recorder.fail(chunk[0], f"ExportStockStatus StockCode={chunk[0]}", exc)
                    continue
                # A large export timed out: ask again for half as much at a time.
                half = len(chunk) // 2
                pending[:0] = [chunk[:half], chunk[half:]]
                log.info("status chunk halved", extra={"size": half, "error": str(exc)})
                continue
            yield from self.map_chunk(document, chunk)
            if progress:
                progress(len(chunk))

    def export_status(self, codes: list[str]) -> str:
        return self.client.export_stock_status(
            stock_code=",".join(codes), mapping_type=STOCK_CODE, site_id=ALL_SITES
        )

    def map_chunk(self, document: str, chunk: list[str]) -> Iterator[ItemStock]:
        try:
            groups = group_by_item(iter_stock_status(document.encode("utf-8")))
        except KhaosError as exc:
            # The raw document is kept so it can be inspected and replayed.
            self.recorder.fail(f"ExportStockStatus {chunk[0]}…{chunk[-1]}", document, exc)
            return
        for entries in groups.values():
            try:
                yield map_item_stock(entries, self.sites, self.chosen, self.default_site)
            except StockMappingError as exc:
                self.recorder.fail(entry_key(entries[0]), raw_entries(entries), exc)

    def call(self, request: Callable[[], Any]) -> Any:
        self.recorder.call_made()
        started = time.perf_counter()
        try:
            return request()
        finally:
            self.add_seconds("khaos_seconds", started)

    def add_seconds(self, name: str, started: float) -> None:
        # Where a run's time goes (Khaos, writing), for the run log and the benchmark.
        self.recorder.add_seconds(name, time.perf_counter() - started)

    # --- applying ---

    def apply(self, items: Iterator[ItemStock], *, all_packs: bool) -> None:
        batch: list[ItemStock] = []
        for item in items:
            batch.append(item)
            if len(batch) >= self.batch_size:
                self.apply_batch(batch)
                batch = []
        if batch:
            self.apply_batch(batch)
        if all_packs:
            self.apply_packs(store.all_bundles())
        self.finish()

    def apply_batch(self, batch: list[ItemStock]) -> None:
        try:
            with transaction.atomic():
                written = self.write(batch)
        except Exception:
            if len(batch) == 1:
                raise
            # Find the bad item: apply each on its own so the others still land.
            for item in batch:
                self.apply_item(item)
            return
        self.after_batch(written)
        resolve_failures(FLOW, [item.stock_code for item in batch])

    def apply_item(self, item: ItemStock) -> None:
        try:
            with transaction.atomic():
                written = self.write([item])
        except Exception as exc:  # any database or data error: log the item, go on
            self.recorder.fail(item.stock_code or item.stock_id, raw_item(item), exc)
            return
        self.after_batch(written)

    def write(self, batch: list[ItemStock]) -> store.LevelWrite:
        started = time.perf_counter()
        try:
            return self.write_now(batch)
        finally:
            self.add_seconds("write_seconds", started)

    def write_now(self, batch: list[ItemStock]) -> store.LevelWrite:
        now = timezone.now()
        written = store.write_levels(batch, self.partner_ids, now)
        packs = store.bundles_affected(written.changed_codes, written.bundle_binding_ids)
        written.add(store.refresh_bundles(packs, self.partner_ids, now))
        return written

    def apply_packs(self, bundle_ids: Sequence[int]) -> None:
        for start in range(0, len(bundle_ids), self.batch_size):
            with transaction.atomic():
                written = store.refresh_bundles(
                    bundle_ids[start : start + self.batch_size], self.partner_ids, timezone.now()
                )
            self.after_batch(written)

    def after_batch(self, written: store.LevelWrite) -> None:
        """Alerts once per batch (not per save), and the search facet for items that flipped."""
        self.recorder.count("updated", written.changed)
        self.recorder.count("unchanged", written.unchanged)
        alerts = store.refresh_stock_alerts(written.record_ids, timezone.now())
        store.reindex_flipped(written.flipped_browse_ids)
        self.totals.unbound.extend(written.unbound)
        self.recorder.add("alerts_opened", alerts)

    def finish(self) -> None:
        self.recorder.summary["not_in_shop"] = len(self.totals.unbound)
        if self.totals.unbound:
            log.info(
                "levels for items the shop does not hold",
                extra={"count": len(self.totals.unbound), "sample": self.totals.unbound[:10]},
            )


def entry_key(entry: StockStatus) -> str:
    return entry.stock_code or entry.stock_id or "?"


def raw_entries(entries: Sequence[StockStatus]) -> str:
    return raw_payload(entries)


def raw_item(item: ItemStock) -> str:
    return raw_payload(item)
