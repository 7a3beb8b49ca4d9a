"""The level importer: fetch → skip if unchanged → map → save in bulk → packs, alerts, search.

Khaos is asked which items moved (cheap), their levels at every site come in
chunks of codes (streamed), and each batch of items is written in its own transaction, so a
bad item is logged and skipped without rolling back the others.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import timedelta
from typing import TypeVar

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from khaos_sync.backends.base import Change, FetchFailure, KhaosBackend
from khaos_sync.mappers.stock import (
    ItemStock,
    Site,
    StockMappingError,
    group_by_item,
    map_item_stock,
)
from khaos_sync.protocol.documents.stock_status import StockStatus
from khaos_sync.store import stock as store
from khaos_sync.store.sites import site_partner
from khaos_sync.sync.core.cursors import advance_cursor, read_cursor
from khaos_sync.sync.core.payloads import raw_payload
from khaos_sync.sync.core.progress import Progress
from khaos_sync.sync.core.runs import RunRecorder, resolve_failures

log = logging.getLogger(__name__)

CURSOR = "stock"
FLOW = "stock"
# Key prefix of a failure kept for a whole chunk of levels (replayed by a full refresh).
CHUNK_KEY = "levels "

T = TypeVar("T")


class StockImporter:
    def __init__(self, backend: KhaosBackend, recorder: RunRecorder) -> None:
        self.backend = backend
        backend.on_request = recorder.call_made
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
        self.unfetched = 0  # codes whose levels could not be fetched

    # --- the run ---

    def run(self, *, full: bool, progress: Progress | None = None) -> None:
        started = timezone.now()
        self.load_sites()
        codes = store.bound_sellable_codes() if full else self.moved_codes()
        self.recorder.summary["codes"] = len(codes)
        # Every pack, not only those whose components moved: a pack's recipe can
        # change in Khaos without any stock movement.
        self.apply(self.fetch_items(codes, progress), all_packs=True)
        if codes and self.unfetched == len(codes):
            # Nothing went through: the next run asks for the same window again.
            self.recorder.failure = f"every item failed ({len(codes)}); see failed items"
            return
        advance_cursor(CURSOR, started)

    def run_codes(self, codes: Sequence[str]) -> None:
        """Fetch named items again now (a retry from the dashboard)."""
        self.load_sites()
        self.apply(self.fetch_items(list(codes), None), all_packs=False)

    def load_sites(self) -> None:
        """Khaos's sites, the ones that feed the web, and their partners."""
        listing = self.timed(self.backend.sites)
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
        entries = self.timed(lambda: self.backend.changed_items(since, Change.MOVED))
        return list(dict.fromkeys(entry.stock_code for entry in entries))

    # --- fetching ---

    def fetch_items(self, codes: Sequence[str], progress: Progress | None) -> Iterator[ItemStock]:
        """Levels of ``codes``; a code that could not be fetched is kept as a failed item."""
        chunks = self.backend.levels(codes, self.chunk_size, progress)
        while (result := self.timed(lambda: next(chunks, None))) is not None:
            if isinstance(result, FetchFailure):
                (code,) = result.codes
                self.recorder.fail(code, result.payload or f"levels of {code}", result.error)
                self.unfetched += 1
            else:
                yield from self.map_entries(result)

    def map_entries(self, entries: list[StockStatus]) -> Iterator[ItemStock]:
        for group in group_by_item(entries).values():
            try:
                yield map_item_stock(group, self.sites, self.chosen, self.default_site)
            except StockMappingError as exc:
                self.recorder.fail(entry_key(group[0]), raw_entries(group), exc)

    def timed(self, request: Callable[[], T]) -> T:
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
