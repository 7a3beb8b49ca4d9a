"""The catalogue importer: fetch → skip if unchanged → dependencies first → map → save in bulk → bind.

Khaos is asked what changed (cheap), the details come in chunks (streamed),
and each batch of products is written in its own transaction,
so one bad item is logged and skipped without rolling back the others.
"""

from __future__ import annotations

import logging
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from decimal import Decimal
from typing import NamedTuple

from django.conf import settings
from django.utils import timezone

from khaos_sync.backends.base import Change, FetchFailure, KhaosBackend
from khaos_sync.backends.soap import from_khaos_local
from khaos_sync.mappers.categories import Memberships, category_specs, memberships, tree_digest
from khaos_sync.mappers.products import MappingOptions, ProductSpec, map_stock_item
from khaos_sync.protocol.documents.stock import StockItem
from khaos_sync.protocol.documents.web_categories import WebCategories
from khaos_sync.protocol.results import StockListEntry
from khaos_sync.store import catalogue as store
from khaos_sync.store.categories import bound_category_ids, bound_items, sync_categories
from khaos_sync.store.search import index_updates_paused
from khaos_sync.store.search_index import reindex_products
from khaos_sync.store.sites import remember_sites, web_partners
from khaos_sync.sync.catalogue.models import ProductBinding
from khaos_sync.sync.catalogue.tree import (
    KnownMemberships,
    TreeReading,
    TreeState,
    forget_every_tree,
)
from khaos_sync.sync.core.batches import SplitApply
from khaos_sync.sync.core.cursors import advance_cursor, read_cursor
from khaos_sync.sync.core.payloads import raw_payload
from khaos_sync.sync.core.progress import Progress
from khaos_sync.sync.core.runs import RunRecorder

log = logging.getLogger(__name__)

CURSOR = "catalogue"
# Key prefix of a failure kept as a whole document of items (replayed from its payload).
DOCUMENT_KEY = "item-details "

# Where a run takes the items' categories from: the tree it read, or the shop.
Members = Memberships | KnownMemberships


class Revision(NamedTuple):
    """What the stock list says of one listed item: when Khaos last changed it."""

    last_updated: datetime
    stock_desc: str
    other_ref: str


@dataclass
class Categories:
    """Where a run takes its items' categories from, and the digest of the tree it read."""

    ctx: store.CatalogueContext
    members: Members
    digest: str  # "" when the run did not read the tree


@dataclass
class Group:
    """One Khaos stock item and its specs (an SCS parent with its variants)."""

    item: StockItem
    specs: list[ProductSpec]


def mapping_options() -> MappingOptions:
    catalogue = settings.KHAOS_SYNC["catalogue"]
    return MappingOptions(
        default_vat_rate=Decimal(settings.KHAOS_SYNC_DEFAULT_VAT_RATE),
        uda_modes=catalogue["uda_modes"],
        category_fallback=catalogue["category_fallback"],
    )


class CatalogueImporter:
    def __init__(self, backend: KhaosBackend | None, recorder: RunRecorder) -> None:
        """``backend`` is None for items read from files (nothing is asked of Khaos)."""
        self.backend = backend
        if backend is not None:
            backend.on_request = recorder.call_made
        self.recorder = recorder
        config = settings.KHAOS_SYNC["catalogue"]
        self.chunk_size: int = config["export_chunk"]
        self.batch_size: int = config["batch_size"]
        self.buffer = timedelta(minutes=config["change_buffer_minutes"])
        self.options = mapping_options()
        self.categories_every = timedelta(minutes=config["categories_every_minutes"])
        self.website: str = settings.KHAOS_SYNC["khaos"]["website_name"]
        # Machine integers: a whole catalogue's product ids wait here for the index.
        self.index_ids = array("q")
        # Khaos's revision dates by code (changed items), to tell which of two
        # items carrying one code Khaos changed last. Only what that needs is
        # kept: a large catalogue's list is never held whole.
        self.revisions: dict[str, Revision | tuple[Revision, ...]] = {}
        # Failures kept without the item's own record (it never arrived whole):
        # the cursor must not move past them.
        self.unfetched = 0

    # --- the run ---

    def run_from_khaos(self, *, full: bool, progress: Progress | None = None) -> None:
        started = timezone.now()
        remember_sites(self.khaos.sites(), started)
        since = None if full else read_cursor(CURSOR, buffer=self.buffer)
        tree = TreeState(self.website)
        with TreeReading(self.read_tree) as reading:
            # An incremental run's list is short, so asking for the tree beside it
            # costs little memory; a full run reads the two one after the other,
            # or both answers would be in memory at once (peak RSS at 100k).
            if since is not None and tree.due(started, self.categories_every):
                reading.start()
            codes = self.codes_to_fetch(since)
            source, codes = self.categories_for(codes, since, tree, reading)
        self.recorder.summary["codes"] = len(codes)
        self.import_items(self.fetch_items(codes, progress), source.ctx, source.members)
        if self.recorder.failure:
            return  # nothing went through: the next run asks for the same window again
        if self.unfetched:
            self.recorder.summary["cursor"] = (
                f"kept: {self.unfetched} item(s) could not be fetched; the next run asks again"
            )
            return
        advance_cursor(CURSOR, started)
        self.settle_tree(tree, source, started)

    def codes_to_fetch(self, since: datetime | None) -> list[str]:
        """What a run fetches: every item (full), or those revised or moved since ``since``."""
        if since is None:
            return self.changed_codes(None, (Change.REVISED,))
        return sorted(self.changed_codes(since, (Change.REVISED, Change.MOVED)))

    def categories_for(
        self, codes: list[str], since: datetime | None, tree: TreeState, reading: TreeReading
    ) -> tuple[Categories, list[str]]:
        """Where the items' categories come from, and the codes with those whose membership changed.

        The tree in a full run, when it is being read ahead, or when an item is
        new to the shop; otherwise the categories the shop recorded from the last tree.
        """
        reads_tree = since is None or reading.started
        known = None if reads_tree else self.known_memberships(codes)
        if known is not None:
            self.recorder.summary["categories"] = "not read"
            return Categories(self.context(bound_category_ids()), known, ""), codes
        source = self.apply_tree(reading.result(), tree)
        if since is not None and source.digest != tree.digest:
            codes = sorted(set(codes) | self.codes_with_new_categories(source.members))
        return source, codes

    def settle_tree(self, tree: TreeState, source: Categories, started: datetime) -> None:
        """Record the tree every bound item now reflects, or that no tree is known to be."""
        if isinstance(source.members, KnownMemberships):
            if source.members.unknown:
                tree.forget()  # an item the shop did not know came without its categories
        elif self.recorder.counts["failed"] and source.digest != tree.digest:
            tree.forget()  # a failed item may still hold the categories of an older tree
        else:
            # Also with failed items when the tree is the one applied: what they
            # hold reflects it already.
            tree.applied(source.digest, started)

    def run_codes(self, codes: Sequence[str]) -> None:
        """Re-import named items now (a retry from the dashboard)."""
        remember_sites(self.khaos.sites(), timezone.now())
        source = self.apply_tree(self.read_tree(), None)
        self.import_items(self.fetch_items(list(codes), None), source.ctx, source.members)

    def run_from_items(self, items: Iterable[StockItem], progress: Progress | None = None) -> None:
        """The same pipeline for stock items read from export files."""
        # Written without their categories: the next run from Khaos compares them all.
        forget_every_tree()
        self.import_items(counted(items, progress), self.context({}), Memberships())

    def context(self, category_ids: dict[str, int]) -> store.CatalogueContext:
        ctx = store.CatalogueContext(
            product_class=store.khaos_product_class(),
            partners=web_partners(),
            category_ids=category_ids,
        )
        store.load_attributes(ctx)
        return ctx

    def read_tree(self) -> WebCategories:
        return self.khaos.web_categories(self.website)

    def apply_tree(self, web_tree: WebCategories, tree: TreeState | None) -> Categories:
        """Write the tree's categories; its memberships and the digest of what was read."""
        specs = category_specs(web_tree)
        category_ids, changes = sync_categories(specs)
        members = memberships(web_tree)
        self.recorder.summary["categories_changed"] = changes
        digest = tree_digest(specs, members)
        if tree is not None:
            self.recorder.summary["categories"] = tree.compare(digest)
            if digest != tree.digest:
                tree.forget()  # until every bound item reflects this tree
        return Categories(self.context(category_ids), members, digest)

    def known_memberships(self, codes: Sequence[str]) -> KnownMemberships | None:
        """The categories the shop holds for ``codes``; None when one of them is new to it."""
        bound = bound_items(codes)
        if len(bound.codes) < len(set(codes)):
            return None  # a new item arrives with its categories: read the tree
        return KnownMemberships(bound, set(bound_category_ids()))

    # --- what to fetch ---

    def changed_codes(self, since: datetime | None, changes: Sequence[Change]) -> list[str]:
        """Codes changed since ``since``, variants collapsed to their SCS parent."""
        codes: dict[str, None] = {}
        for change in changes:
            for entry in self.khaos.changed_items(since, change):
                codes.setdefault(entry.parent_code or entry.stock_code, None)
                if change == Change.REVISED and entry.last_updated is not None:
                    self.note_listed(entry)
        return list(codes)

    def note_listed(self, entry: StockListEntry) -> None:
        assert entry.last_updated is not None
        revision = Revision(entry.last_updated, entry.stock_desc, entry.other_ref)
        earlier = self.revisions.get(entry.stock_code)
        # Most codes are listed once: the revision itself, a tuple only for a shared code.
        if earlier is None:
            self.revisions[entry.stock_code] = revision
        elif isinstance(earlier, Revision):
            self.revisions[entry.stock_code] = (earlier, revision)
        else:
            self.revisions[entry.stock_code] = (*earlier, revision)

    def codes_with_new_categories(self, members: Members) -> set[str]:
        """Bound items whose category membership changed though the item did not."""
        stale: set[str] = set()
        rows = ProductBinding.objects.exclude(structure="child").values_list(
            "stock_id", "stock_code", "khaos_values"
        )
        for stock_id, code, values in rows.iterator(chunk_size=2000):
            if "categories" in values and list(members.of(stock_id, code)) != sorted(
                values["categories"]
            ):
                stale.add(code)
        self.recorder.summary["membership_changes"] = len(stale)
        return stale

    # --- fetching ---

    def fetch_items(self, codes: Sequence[str], progress: Progress | None) -> Iterator[StockItem]:
        """Items of ``codes``; a code that could not be fetched is kept as a failed item."""
        size = even_chunk(len(codes), self.chunk_size)
        for result in self.khaos.item_details(codes, size, progress):
            if isinstance(result, FetchFailure):
                self.fail_code(result)
            else:
                yield result

    def fail_code(self, failure: FetchFailure) -> None:
        (code,) = failure.codes
        if not failure.arrived:
            self.unfetched += 1  # the answer did not arrive whole: a retry asks Khaos again
        self.recorder.fail(code, failure.payload or f"item details of {code}", failure.error)

    @property
    def khaos(self) -> KhaosBackend:
        if self.backend is None:
            raise RuntimeError("this import reads files: it has no Khaos backend")
        return self.backend

    # --- applying ---

    def import_items(
        self, items: Iterable[StockItem], ctx: store.CatalogueContext, members: Members
    ) -> None:
        zone = timezone.get_current_timezone()

        def member_of(item: StockItem) -> tuple[str, ...]:
            self.note_revision(item, ctx, zone)
            return members.of(item.stock_id, item.stock_code)

        writer = SplitApply[Group, None](
            flow="catalogue",
            recorder=self.recorder,
            write=lambda groups: self.write_groups(groups, ctx),
            key=lambda group: item_key(group.item),
            raw=lambda group: raw_item(group.item),
        )
        with index_updates_paused():
            tables = store.growing_tables()
            for batch in batched(self.groups(items, member_of), self.batch_size):
                writer.apply(batch)
                tables.written(sum(len(group.specs) for group in batch))
            self.finish()
        counts = self.recorder.counts
        if counts["failed"] and not (counts["created"] + counts["updated"] + counts["unchanged"]):
            self.recorder.failure = f"every item failed ({counts['failed']}); see failed items"

    def note_revision(self, item: StockItem, ctx: store.CatalogueContext, zone: tzinfo) -> None:
        listed = self.revisions.get(item.stock_code or "", ())
        revised = revision_of(item, (listed,) if isinstance(listed, Revision) else listed)
        if revised is not None and item.stock_id:
            ctx.revised_at[item.stock_id] = from_khaos_local(revised, zone)

    def groups(
        self, items: Iterable[StockItem], member_of: Callable[[StockItem], tuple[str, ...]]
    ) -> Iterator[Group]:
        for item in items:
            try:
                yield Group(item, list(map_stock_item(item, self.options, member_of)))
            except ValueError as exc:
                self.recorder.fail(item_key(item), raw_item(item), exc)

    def write_groups(self, groups: Sequence[Group], ctx: store.CatalogueContext) -> None:
        self.write([spec for group in groups for spec in group.specs], ctx)

    def write(self, specs: list[ProductSpec], ctx: store.CatalogueContext) -> None:
        result = store.apply_specs(specs, ctx)
        for spec in specs:
            # Written: the date is on the binding now, so the run need not hold it.
            ctx.revised_at.pop(spec.stock_id, None)
        self.recorder.count("created", result.created)
        self.recorder.count("updated", result.updated)
        self.recorder.count("unchanged", result.unchanged)
        self.index_ids.extend(result.index_ids)

    def finish(self) -> None:
        """Work that needs the whole run: the search index."""
        reindex_products(self.index_ids)


def revision_of(item: StockItem, entries: Sequence[Revision]) -> datetime | None:
    """The item's revision date; where items share a code, the entry that matches it."""
    if len(entries) > 1:
        entries = [
            e
            for e in entries
            if e.stock_desc == (item.stock_desc or "")
            and e.other_ref == (item.associated_ref or "")
        ]
    return entries[0].last_updated if len(entries) == 1 else None


def even_chunk(count: int, most: int) -> int:
    """Codes per ExportStock call: as few calls as ``most`` a call allows, of even size.

    243 codes at 200 a call go as 122 + 121, not 200 + 43: the first answer,
    which nothing overlaps, arrives sooner, and the second is fetched while the
    first is written. Khaos gets as many calls as before.
    """
    calls = max(1, -(-count // most))
    return max(1, -(-count // calls))


def batched(groups: Iterable[Group], size: int) -> Iterator[list[Group]]:
    batch: list[Group] = []
    count = 0
    for group in groups:
        batch.append(group)
        count += len(group.specs)
        if count >= size:
            yield batch
            batch, count = [], 0
    if batch:
        yield batch


def counted(items: Iterable[StockItem], progress: Progress | None) -> Iterator[StockItem]:
    for item in items:
        yield item
        if progress:
            progress(1)


def item_key(item: StockItem) -> str:
    # The code, because it is what the item details are asked for by.
    return item.stock_code or item.stock_id or "?"


def raw_item(item: StockItem) -> str:
    return raw_payload(item)
