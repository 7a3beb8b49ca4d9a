"""The level importer: fetch → skip if unchanged → map → save in bulk → packs, alerts, search.

Khaos is asked which items moved (cheap), their levels at every site come in
chunks of codes (streamed), and each batch of items is written in its own transaction, so a
bad item is logged and skipped without rolling back the others.

An item whose entries Khaos repeats word for word (same digest, same web
sites, same release of this code) is not decoded, mapped or written again: on
a refresh where 1% of levels moved, that is the other 99%.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from datetime import timedelta
from typing import TypeVar

from django.db import transaction
from django.utils import timezone

from khaos_sync import __version__
from khaos_sync.backends.ahead import FetchTiming
from khaos_sync.backends.base import Change, FetchFailure, KhaosBackend
from khaos_sync.mappers.stock import (
    ItemStock,
    Site,
    StockMappingError,
    map_item_stock,
)
from khaos_sync.protocol.documents.stock_status import ItemEntries, KnownEntries, StockStatus
from khaos_sync.store import stock as store
from khaos_sync.store.sites import remember_sites, web_partners, web_sites
from khaos_sync.sync.core.batches import SplitApply
from khaos_sync.sync.core.cursors import advance_cursor, read_cursor
from khaos_sync.sync.core.importer import KhaosImporter
from khaos_sync.sync.core.payloads import raw_payload
from khaos_sync.sync.core.progress import Progress
from khaos_sync.sync.core.runs import RunRecorder, open_failure_keys, resolve_failures

log = logging.getLogger(__name__)

CURSOR = "stock"
FLOW = "stock"
# Key prefix of a failure kept for a whole chunk of levels (replayed by a full refresh).
CHUNK_KEY = "levels "

T = TypeVar("T")


class StockImporter(KhaosImporter):
    flow = FLOW

    def __init__(self, backend: KhaosBackend, recorder: RunRecorder) -> None:
        super().__init__(backend, recorder)
        config = self.config
        self.chunk_size: int = config["export_chunk"]
        self.batch_size: int = config["batch_size"]
        self.buffer = timedelta(minutes=config["change_buffer_minutes"])
        self.sites: list[Site] = []
        self.chosen: list[int] = []
        self.default_site = 1
        self.partner_ids: dict[int, int] = {}
        self.totals = store.LevelWrite()
        self.unfetched = 0  # codes whose levels could not be fetched
        self.context = b""  # what else the mapping of entries depends on (see entries_digest)
        self.open_failures: set[str] = set()

    # --- the run ---

    def run(self, *, full: bool, progress: Progress | None = None) -> None:
        started = timezone.now()
        self.load_sites()
        codes = store.bound_sellable_codes() if full else self.moved_codes()
        self.recorder.summary["codes"] = len(codes)
        known = self.known_entries(codes)
        self.open_failures = open_failure_keys(FLOW)  # resolved as their items are repeated
        # Every pack, not only those whose components moved: a pack's recipe can
        # change in Khaos without any stock movement.
        self.apply(self.fetch_items(codes, progress, known), all_packs=True)
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
        """Khaos's sites, kept for the checkout's live check; the ones that feed the web."""
        remember_sites(self.timed(self.backend.sites), timezone.now())
        resolved = web_sites()
        self.sites, self.chosen, self.default_site = (
            resolved.sites,
            resolved.chosen,
            resolved.default,
        )
        web_partners()
        self.partner_ids = store.site_partner_ids(self.chosen)
        self.recorder.summary["sites"] = self.chosen
        mapped_with = (__version__, self.sites, self.chosen, self.default_site, self.partner_ids)
        self.context = hashlib.blake2b(repr(mapped_with).encode()).digest()

    def known_entries(self, codes: Sequence[str]) -> KnownEntries:
        """Whether an item's entries are the ones its stock row was last read from."""
        held = store.known_entries(codes)

        def known(stock_id: str | None, code: str | None, digest: str) -> bool:
            last = held.get(stock_id) if stock_id else held.get(f"code:{code}")
            return last is not None and last == self.entries_digest(digest)

        return known

    def entries_digest(self, digest: str) -> str:
        # The same entries read for other web sites, or by another release, read anew.
        return hashlib.blake2b(digest.encode(), key=self.context, digest_size=16).hexdigest()

    def moved_codes(self) -> list[str]:
        since = read_cursor(CURSOR, buffer=self.buffer)
        entries = self.timed(lambda: list(self.backend.changed_items(since, Change.MOVED)))
        return list(dict.fromkeys(entry.stock_code for entry in entries))

    # --- fetching ---

    def fetch_items(
        self, codes: Sequence[str], progress: Progress | None, known: KnownEntries | None = None
    ) -> Iterator[ItemStock]:
        """Levels of ``codes``; a code that could not be fetched is kept as a failed item."""
        timing = FetchTiming()
        chunks = self.backend.levels(codes, self.chunk_size, progress, known, timing)
        while (result := next(chunks, None)) is not None:
            if isinstance(result, FetchFailure):
                (code,) = result.codes
                self.recorder.fail(code, result.payload or f"levels of {code}", result.error)
                self.unfetched += 1
            else:
                yield from self.map_items(result)
                self.count_unread([item for item in result if item.entries is None])
        # Waiting for Khaos's answers apart from reading them: the run log shows both.
        self.recorder.add_seconds("khaos_seconds", timing.waiting)
        self.recorder.add_seconds("read_seconds", timing.reading)

    def map_items(self, items: list[ItemEntries]) -> Iterator[ItemStock]:
        for item in items:
            if item.entries is None:
                continue
            try:
                mapped = map_item_stock(item.entries, self.sites, self.chosen, self.default_site)
            except StockMappingError as exc:
                self.recorder.fail(entry_key(item.entries[0]), raw_entries(item.entries), exc)
                continue
            yield replace(mapped, entries_digest=self.entries_digest(item.digest))

    def count_unread(self, items: list[ItemEntries]) -> None:
        """Items Khaos repeated word for word: unchanged, and no longer failures if they were."""
        self.recorder.count("unchanged", len(items))
        self.recorder.add("repeated", len(items))
        keys = [entry_key(item) for item in items]
        resolve_failures(FLOW, [key for key in keys if key in self.open_failures])

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
        writer = SplitApply[ItemStock, store.LevelWrite](
            flow=FLOW,
            recorder=self.recorder,
            write=self.write,
            key=item_key,
            raw=raw_item,
            after=self.after_batch,
        )
        batch: list[ItemStock] = []
        for item in items:
            batch.append(item)
            if len(batch) >= self.batch_size:
                writer.apply(batch)
                batch = []
        if batch:
            writer.apply(batch)
        if all_packs:
            self.apply_packs(store.all_bundles())
        self.finish()

    def write(self, batch: Sequence[ItemStock]) -> store.LevelWrite:
        started = time.perf_counter()
        try:
            return self.write_now(batch)
        finally:
            self.add_seconds("write_seconds", started)

    def write_now(self, batch: Sequence[ItemStock]) -> store.LevelWrite:
        return store.apply_levels(batch, self.partner_ids, timezone.now())

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


def entry_key(entry: StockStatus | ItemEntries) -> str:
    return entry.stock_code or entry.stock_id or "?"


def raw_entries(entries: Sequence[StockStatus]) -> str:
    return raw_payload(entries)


def item_key(item: ItemStock) -> str:
    return item.stock_code or item.stock_id


def raw_item(item: ItemStock) -> str:
    return raw_payload(item)
