"""KSDXMLStockStatus: stock levels returned by ExportStockStatus.

With SiteID -1 Khaos reports one entry per item per stock site. The site of
an entry is taken from the entry itself when it names one (``SITE``
attribute or child), otherwise from the enclosing ``STOCK_STATUS SITE=``.
"""

from __future__ import annotations

import gc
import hashlib
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import IntEnum

from lxml import etree

from khaos_sync.protocol.values import Fields, element_attr_code, expect_root
from khaos_sync.protocol.xmlsafe import (
    Source,
    iter_elements,
    iter_elements_of_pieces,
    parse_document,
    parse_pieces,
)

ROOT_TAG = "STOCK_STATUS"
ITEM_TAG = "STOCK_ITEM"


class StockStatusCode(IntEnum):
    IN_STOCK = 0
    ALL_ALLOCATED = 1
    OUT_OF_STOCK_DUE_IN = 2
    OUT_OF_STOCK_NOT_DUE = 3
    DISCONTINUED = 4
    NOT_STOCK_CONTROLLED = 5


@dataclass(frozen=True, slots=True)
class StockStatus:
    site: str | None
    stock_code: str | None
    stock_id: str | None
    other_ref: str | None
    description: str | None
    level: Decimal | None
    status: int | None
    lead_time: date | None
    safe_level: Decimal | None
    min_level: Decimal | None
    buy_price: Decimal | None
    sell_price: Decimal | None
    web_sell_price: Decimal | None
    build_potential_children: Decimal | None
    build_potential_parents: Decimal | None


def iter_stock_status(source: Source, *, max_bytes: int | None = None) -> Iterator[StockStatus]:
    """Stream the entries of an ExportStockStatus document (bytes, path or file)."""
    for element in iter_elements(source, ITEM_TAG, root=ROOT_TAG, max_bytes=max_bytes):
        yield read_stock_status(element)


def iter_stock_status_of_pieces(pieces: Iterable[bytes]) -> Iterator[StockStatus]:
    """Stream the entries of an ExportStockStatus document arriving in UTF-8 pieces."""
    for element in iter_elements_of_pieces(pieces, ITEM_TAG, root=ROOT_TAG):
        yield read_stock_status(element)


@dataclass(frozen=True, slots=True)
class ItemEntries:
    """One item's entries in an ExportStockStatus answer (one per site with SiteID -1).

    ``digest`` names the entries as Khaos wrote them, with the site the document
    gives them: an answer that repeats an earlier one for this item carries the
    same digest, so a caller holding it can leave the entries undecoded
    (``entries`` is then None).
    """

    stock_id: str | None
    stock_code: str | None
    digest: str
    entries: tuple[StockStatus, ...] | None


# (STOCK_ID, STOCK_CODE, digest) → the caller already holds what these entries say.
KnownEntries = Callable[[str | None, str | None, str], bool]


def read_item_entries_of_pieces(
    pieces: Iterable[bytes], known: KnownEntries | None = None
) -> list[ItemEntries]:
    """The items of an ExportStockStatus document arriving in pieces, each decoded unless known.

    An item's entries need not be next to each other, so the items are formed
    once the document is complete; one answer is one chunk of codes, so holding
    its tree (and its text, which the digests are taken from) is bounded by the chunk.
    """
    with _collection_paused():
        return _read_items(pieces, known)


@contextmanager
def _collection_paused() -> Iterator[None]:
    # Reading a chunk makes no reference cycles, and what it makes stays alive
    # until the chunk is read: a collection meanwhile would only walk the
    # process's long-lived objects again, once per few hundred entries.
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


def _read_items(pieces: Iterable[bytes], known: KnownEntries | None) -> list[ItemEntries]:
    root, text = parse_pieces(pieces, root=ROOT_TAG)
    answer = _entries_as_written(root, text)
    if answer is None:
        answer = _entries_as_serialized(root)
    return [answer.item(indexes, known) for indexes in _by_item(answer.entries)]


def _by_item(entries: list[etree._Element]) -> Iterable[list[int]]:
    """The places of each item's entries, by STOCK_ID, else by code, as the stock mapper groups them."""
    groups: dict[str, list[int]] = {}
    for index, entry in enumerate(entries):
        # element_attr_code inlined: this runs once per entry of every answer.
        value = entry.get("ID")
        key = value.strip() if value else ""
        if not key:
            value = entry.get("CODE")
            key = value.strip() if value else ""
        group = groups.get(key)
        if group is None:
            groups[key] = [index]
        else:
            group.append(index)
    return groups.values()


@dataclass(slots=True)
class _Answer:
    """An answer's entries, and the text each one's digest is made of: the entry, then its site."""

    entries: list[etree._Element]
    texts: list[bytes]

    def item(self, indexes: list[int], known: KnownEntries | None) -> ItemEntries:
        """The item whose entries stand at ``indexes``, decoded unless ``known``."""
        first = self.entries[indexes[0]]
        stock_id, code = element_attr_code(first, "ID"), element_attr_code(first, "CODE")
        texts = self.texts
        digest = hashlib.blake2b(b"".join([texts[i] for i in indexes]), digest_size=16)
        hexdigest = digest.hexdigest()
        if known is not None and known(stock_id, code, hexdigest):
            return ItemEntries(stock_id, code, hexdigest, None)
        entries = tuple(read_stock_status(self.entries[i]) for i in indexes)
        return ItemEntries(stock_id, code, hexdigest, entries)


# Where an entry starts in the text: a start tag can hold no other "<STOCK_ITEM".
_ENTRY_START = re.compile(rb"<" + ITEM_TAG.encode() + rb"[\s/>]")


def _entries_as_written(root: etree._Element, text: bytes) -> _Answer | None:
    """Each entry with its text as Khaos wrote it; None unless the entries are the root's children.

    Found without a second serialization: the text from an entry's start tag to
    the next one's, less its tail, once the start tags in the text are exactly the
    entries the tree holds (none hidden in a comment or a CDATA section, none
    nested), so that each slice is one whole entry.
    """
    entries = root.findall(ITEM_TAG)
    starts = [match.start() for match in _ENTRY_START.finditer(text)]
    if len(starts) != len(entries) or sum(1 for _ in root.iter(ITEM_TAG)) != len(entries):
        return None
    if not entries:
        return _Answer([], [])  # nor is there a tail to cut
    site = b"\0" + (_site_named_by(root) or "").encode() + b"\0"
    ends = [*starts[1:], text.rfind(b"</" + ROOT_TAG.encode())]
    # An entry ends at its last ">"; what follows is its tail, whose spacing
    # depends on where it stands in the answer, not on what it says.
    cut = text.rindex
    texts = [
        text[start : cut(b">", start, end) + 1] + site
        for start, end in zip(starts, ends, strict=True)
    ]
    return _Answer(entries, texts)


def _entries_as_serialized(root: etree._Element) -> _Answer:
    """Each entry as lxml writes it, with the site it inherits: for any other shape of answer."""
    answer = _Answer([], [])
    parent, site = None, b""
    for _event, entry in etree.iterwalk(root, events=("end",), tag=ITEM_TAG):
        if entry.getparent() is not parent:  # the site an entry inherits, once per parent
            parent, site = entry.getparent(), (_document_site(entry) or "").encode()
        answer.entries.append(entry)
        answer.texts.append(etree.tostring(entry, with_tail=False) + b"\0" + site + b"\0")
    return answer


def parse_stock_status(data: bytes | str) -> list[StockStatus]:
    root = parse_document(data)
    expect_root(root, ROOT_TAG)
    return [read_stock_status(element) for element in root.iter(ITEM_TAG)]


def read_stock_status(element: etree._Element) -> StockStatus:
    fields = Fields(element)
    description = element.get("DESC")
    return StockStatus(
        site=_site(fields),
        stock_code=element_attr_code(element, "CODE"),
        stock_id=element_attr_code(element, "ID"),
        other_ref=element_attr_code(element, "OTHER_REF"),
        description=None if description is None else str(description),
        level=fields.as_decimal("LEVEL"),
        status=fields.as_int("STATUS"),
        lead_time=fields.as_date("LEAD_TIME"),
        safe_level=fields.as_decimal("SAFE_LEVEL"),
        min_level=fields.as_decimal("MIN_LEVEL"),
        buy_price=fields.as_decimal("BUY_PRICE"),
        sell_price=fields.as_decimal("SELL_PRICE"),
        web_sell_price=fields.as_decimal("WEBSELL_PRICE"),
        build_potential_children=fields.as_decimal("BUILD_POTENTIAL_CHILDREN"),
        build_potential_parents=fields.as_decimal("BUILD_POTENTIAL_PARENTS"),
    )


def _site(fields: Fields) -> str | None:
    own = element_attr_code(fields.element, "SITE") or fields.code("SITE")
    return own if own is not None else _document_site(fields.element)


def _document_site(element: etree._Element) -> str | None:
    for ancestor in element.iterancestors(ROOT_TAG):
        site = _site_named_by(ancestor)
        if site is not None:
            return site
    return None


def _site_named_by(document: etree._Element) -> str | None:
    site = document.get("SITE")
    return str(site).strip() if site is not None and site.strip() else None
