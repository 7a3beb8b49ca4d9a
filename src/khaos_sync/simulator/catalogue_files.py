"""Loading real KSDXMLStock exports (``--catalogue FILE ...``) into the simulator.

Files are read with the protocol's streaming stock parser. When several files
hold the same STOCK_ID, the last file given wins (its SCS children replace the
earlier ones). Non-numeric STOCK_IDs get a new numeric id. Stock levels,
customers and price lists are generated from the seed, since an ExportStock
file carries none; the web category tree is left empty (as for a retailer who
assigns none).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import cast

from khaos_sync.protocol.documents.stock import StockItem, iter_stock_items
from khaos_sync.simulator import reference
from khaos_sync.simulator.generator import generate_customers, generate_levels, generate_price_lists
from khaos_sync.simulator.model import Image, Item, Link, ScsStyle, SupplierRef, Uda, UdaType
from khaos_sync.simulator.store import Store

UDA_TYPES = {"TEXT", "DATE", "YES/NO", "NUMBER", "LIST", "CHOICE"}


class _Loader:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.next_id = 10_000_000
        self.pending_links: dict[int, list[tuple[str, int, str, bool]]] = {}

    def stock_id(self, text: str | None) -> int:
        if text and text.isdigit():
            return int(text)
        self.next_id += 1
        return self.next_id

    def load(self, path: Path) -> int:
        count = 0
        batch: list[Item] = []
        for record in iter_stock_items(path):
            batch.extend(self.items(record))
            count += 1
            if len(batch) >= 2000:
                self.flush(batch)
                batch = []
        self.flush(batch)
        return count

    def flush(self, batch: list[Item]) -> None:
        if not batch:
            return
        with self.store.write() as db:
            parents = [(item.stock_id,) for item in batch if item.kind == "scs_parent"]
            db.executemany("DELETE FROM items WHERE parent_id = ?", parents)
            # Two ids with one code both stay, as in real Khaos data.
            self.store.put_items(batch)

    def items(self, record: StockItem, parent: Item | None = None) -> list[Item]:
        item = _item(record, self.stock_id(record.stock_id), parent)
        links = [
            (link.stock_code, link.link_type or 0, str(link.value or ""), bool(link.auto_add))
            for link in record.linked_items
            if link.stock_code and link.link_type
        ]
        if links:
            self.pending_links[item.stock_id] = links
        family = [item]
        if record.scs is not None and record.scs.children:
            item.kind = "scs_parent"
            item.stock_controlled = False
            item.scs_headings = [h.name for h in sorted(record.scs.headings, key=lambda h: h.level)]
            for child in record.scs.children:
                child_item = self.items(child.item, item)[0]
                child_item.scs_path = [
                    ScsStyle(value, suffix)
                    for (_heading, value), suffix in zip(
                        child.options, _suffixes(child.code_suffixes, child.options), strict=True
                    )
                ]
                family.append(child_item)
        elif any(entry[1] == 3 for entry in links):
            item.kind = "pack"
        return family

    def resolve_links(self) -> None:
        codes = [code for links in self.pending_links.values() for code, *_ in links]
        found = {code: self.store.ids_by_column("code", [code]) for code in set(codes)}
        ids = {code: matches[0] for code, matches in found.items() if matches}
        items = self.store.items_by_ids(list(self.pending_links))
        for item in items:
            item.links = [
                Link(ids[code], link_type, value, auto)
                for code, link_type, value, auto in self.pending_links[item.stock_id]
                if code in ids
            ]
        self.store.put_items(items)


def load_catalogue_files(store: Store, paths: Sequence[str | Path], *, seed: int = 0) -> int:
    loader = _Loader(store)
    store.put_sites(reference.SITES)
    total = sum(loader.load(Path(path)) for path in paths)
    loader.resolve_links()
    rng = random.Random(seed)
    ids = [
        int(r[0])
        for r in store.connection().execute("SELECT stock_id FROM items ORDER BY stock_id")
    ]
    for start in range(0, len(ids), 2000):
        items = store.items_by_ids(ids[start : start + 2000])
        store.put_levels(row for item in items for row in generate_levels(rng, item))
    store.put_website(reference.WEBSITE_ID, reference.WEBSITE_NAME)
    generate_customers(store, rng, 50)
    generate_price_lists(store, rng, ids)
    return total


def _suffixes(suffixes: tuple[str, ...], options: tuple[tuple[str, str], ...]) -> list[str]:
    padded = list(suffixes) + [""] * len(options)
    return [padded[i] or value[:3].upper() for i, (_h, value) in enumerate(options)]


def _item(record: StockItem, stock_id: int, parent: Item | None) -> Item:
    inherited = parent or Item(stock_id=0, code="", description="")
    item = Item(
        stock_id=stock_id,
        code=record.stock_code or str(stock_id),
        description=record.stock_desc or "",
        kind="scs_child" if parent else "standalone",
        other_ref=record.associated_ref or "",
        long_desc=record.long_desc or "",
        web_teaser=record.web_teaser or "",
        buy_price=record.buy_price if record.buy_price is not None else inherited.buy_price,
        sell_price=record.sell_price if record.sell_price is not None else inherited.sell_price,
        sell_price_web=record.sell_price_web or Decimal("0"),
        is_net=bool(record.sell_price_is_net)
        if record.sell_price_is_net is not None
        else inherited.is_net,
        vat_rate=record.vat_rate if record.vat_rate is not None else inherited.vat_rate,
        stock_types=[
            level.name or ""
            for level in (
                record.stock_ttype,
                record.stock_type,
                record.stock_mid_type,
                record.stock_sub_type,
            )
        ],
        manufacturer=record.manufacturer or "",
        weight=_text(record.weight),
        height=_text(record.height),
        width=_text(record.width),
        depth=_text(record.depth),
        web=record.web if record.web is not None else not record.deleted,
        discontinued=bool(record.discontinued),
        run_to_zero=bool(record.run_to_zero),
        stock_controlled=record.stock_controlled if record.stock_controlled is not None else True,
        drop_ship=bool(record.drop_ship),
        discounts_disabled=bool(record.discounts_disabled),
        vat_relief=bool(record.vat_relief_qualified),
        sales_multiple=int(record.sales_multiple or 0),
        max_display_qty=record.max_display_qty or 0,
        availability=record.availability or "",
        meta_title=record.meta_title or "",
        meta_description=record.meta_description or "",
        meta_keywords=record.meta_keywords or "",
        lead_time_days=record.lead_time or 0,
        min_level=int(record.min_level or 0),
        safe_level=int(record.safe_level or 0),
        image_filename=record.image_filename or "?",
        udas=[
            Uda(
                u.name,
                _uda_type(u.type),
                u.value,
                "" if u.choice_index is None else str(u.choice_index),
            )
            for u in record.udas
        ],
        options={o.name: bool(o.value) for o in record.options},
        barcodes=[(b.desc or "", b.value) for b in record.barcodes],
        images=[
            Image(i.name or "", i.file_name or "", i.desc or "", i.image_type or "")
            for i in record.images
            if i.file_name
        ],
        supplier_refs=[
            SupplierRef(
                s.code or "",
                s.supplier_name or "",
                s.supplier_urn or "",
                bool(s.is_preferred),
                str(s.purchase_cost or "0.00"),
            )
            for s in record.supplier_refs
        ],
        parent_id=parent.stock_id if parent else None,
    )
    if record.launch_date is not None:
        item.launched = item.revised = item.moved = record.launch_date
    return item


def _uda_type(text: str | None) -> UdaType:
    return cast(UdaType, text) if text in UDA_TYPES else "TEXT"


def _text(value: Decimal | None) -> str:
    return "" if value is None else str(value)
