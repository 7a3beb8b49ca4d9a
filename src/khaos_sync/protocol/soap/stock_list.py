"""The GetStockList answer, decoded while it arrives.

A whole catalogue's list (a hundred thousand entries and more) decoded as one
tree costs several hundred megabytes; :class:`StockListAnswer` instead hands
out each entry as soon as its element is complete and drops the element.

The entries of the list are read wherever the server put them: inline in the
array, or as multi-reference elements (``<item href="#7"/>`` and, later in the
Body, ``<multiRef id="7">``). For the latter only the small decoded entries
wait for their turn, so that entries still come out in the array's order.
Everything else of the envelope (the framing, ``Count``, a Fault, a layout the
fast path does not recognise) stays in the tree, which is then small, and is
decoded at the end by the same reader as :func:`~.envelope.decode_response`,
so the answers and the errors are the same as for a whole answer.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping
from typing import Any, Final

from lxml import etree

from khaos_sync.protocol.errors import ProtocolError, UnsafeDocumentError
from khaos_sync.protocol.results import StockListEntry
from khaos_sync.protocol.soap.envelope import (
    SOAP_ENV,
    XSI,
    Reader,
    find_response,
    raise_fault,
    return_element,
)
from khaos_sync.protocol.soap.operations import STOCK_LIST_ITEM, get_operation
from khaos_sync.protocol.soap.values import ValueFormatError, parse_scalar
from khaos_sync.protocol.xmlsafe import check_prolog_head, pull_parser

_OPERATION: Final = "GetStockList"
_ENVELOPE: Final = f"{{{SOAP_ENV}}}Envelope"
_BODY: Final = f"{{{SOAP_ENV}}}Body"
_NIL: Final = f"{{{XSI}}}nil"
_ENTRY_FIELDS: Final = frozenset(name for name, _ in STOCK_LIST_ITEM.fields)


class StockListAnswer:
    """Push reader for a GetStockList answer.

    ``feed(chunk)`` returns the entries that ``chunk`` completed, in the list's
    order; ``finish()`` returns the rest, sets :attr:`count` and raises
    SoapFault, ProtocolError or UnsafeDocumentError as ``decode_response`` does.
    """

    def __init__(self) -> None:
        self.definition = get_operation(_OPERATION)
        self.count: int | None = None
        self._head: bytearray | None = bytearray()  # None once the prolog is checked
        self._parser = pull_parser(("start", "end"))
        self._depth = 0
        self._body: Any = None
        self._response: Any = None
        self._struct: Any = None  # the TStockList element, once known
        self._struct_id: str | None = None
        self._arrays: list[Any] = []  # List elements whose items are streamed here
        self._item_depth = 0  # depth of the streamed items, once the list is known
        self._array_id: str | None = None
        self._targets: dict[str, Any] = {}  # id -> kept multi-reference element
        self._awaited: set[str] = set()  # ids referenced by a streamed item
        self._decoded: dict[str, StockListEntry] = {}
        self._slots: deque[StockListEntry | str] = deque()  # an entry, or the id it awaits
        self._spent: list[Any] = []  # decoded multi-reference elements, to drop

    # --- feeding ---

    def feed(self, chunk: bytes) -> list[StockListEntry]:
        if self._head is not None:
            self._head += chunk
            if not self._prolog_checked(complete=False):
                return []
            chunk, self._head = bytes(self._head), None
        self._parse(chunk)
        return self._ready()

    def finish(self) -> list[StockListEntry]:
        if self._head is not None:
            self._prolog_checked(complete=True)
            chunk, self._head = bytes(self._head), None
            self._parse(chunk)
        try:
            root = self._parser.close()
        except etree.XMLSyntaxError as exc:
            raise ProtocolError(f"SOAP envelope unreadable: {exc}") from exc
        self._take_events()
        if root.tag != _ENVELOPE:
            raise ProtocolError(f"not a SOAP 1.1 envelope: root element is {root.tag!r}")
        rest = self._decode_rest(root)
        if self._slots:
            missing = next(slot for slot in self._slots if isinstance(slot, str))
            raise ProtocolError(f"{_OPERATION}.List: reference '#{missing}' has no matching id")
        return rest

    def _prolog_checked(self, *, complete: bool) -> bool:
        assert self._head is not None
        try:
            return check_prolog_head(bytes(self._head), complete=complete)
        except UnsafeDocumentError as exc:
            raise UnsafeDocumentError(f"SOAP envelope refused: {exc}") from exc

    def _parse(self, data: bytes) -> None:
        try:
            self._parser.feed(data)
        except etree.XMLSyntaxError as exc:
            raise ProtocolError(f"SOAP envelope unreadable: {exc}") from exc
        self._take_events()

    def _take_events(self) -> None:
        try:
            events = list(self._parser.read_events())
        except etree.XMLSyntaxError as exc:
            raise ProtocolError(f"SOAP envelope unreadable: {exc}") from exc
        for event, element in events:
            if event == "start":
                self._depth += 1
                # Inside an entry of a known list nothing is left to recognise.
                if not self._item_depth or self._depth <= self._item_depth:
                    self._started(element)
            else:
                if not self._item_depth or self._depth <= self._item_depth:
                    self._ended(element)
                self._depth -= 1

    # --- recognising the list ---

    def _started(self, element: Any) -> None:
        if self._depth == 2 and element.tag == _BODY and self._body is None:
            self._body = element
        elif self._depth == 3 and element.getparent() is self._body:
            self._body_child(element)
        elif self._response is not None and element.getparent() is self._response:
            if _local(element) == "return":
                self._found_struct(element)
        elif self._struct is not None and element.getparent() is self._struct:
            self._found_field(element)

    def _body_child(self, element: Any) -> None:
        ref_id = element.get("id")
        if ref_id is None:
            if self._response is None and _local(element) == self.definition.response_name:
                self._response = element
            return
        self._targets.setdefault(ref_id, element)
        if ref_id == self._struct_id and self._struct is None:
            self._struct = element
        elif ref_id == self._array_id and not self._arrays:
            self._streamed(element)

    def _found_struct(self, element: Any) -> None:
        if self._struct is not None or self._struct_id is not None:
            return
        href = element.get("href")
        if href is None:
            self._struct = element
        elif href.startswith("#") and href[1:] not in self._targets:
            self._struct_id = href[1:]

    def _found_field(self, element: Any) -> None:
        if _local(element) == "List" and not self._arrays and self._array_id is None:
            self._found_array(element)

    def _found_array(self, element: Any) -> None:
        href = element.get("href")
        if href is None:
            if element.get(_NIL) not in ("true", "1"):
                self._streamed(element)
        elif href.startswith("#") and href[1:] not in self._targets:
            self._array_id = href[1:]

    def _streamed(self, array: Any) -> None:
        self._arrays.append(array)
        self._item_depth = self._depth + 1

    # --- the entries ---

    def _ended(self, element: Any) -> None:
        parent = element.getparent()
        if self._arrays and parent is self._arrays[0]:
            self._item(element)
            _release(element)
        elif parent is self._body and element.get("id") in self._awaited:
            self._arrived(element)

    def _item(self, item: Any) -> None:
        if item.get(_NIL) in ("true", "1"):
            return
        href = item.get("href")
        if href is None or not href.startswith("#"):
            self._slots.append(self._entry(item))
            return
        ref_id = href[1:]
        self._slots.append(ref_id)
        if ref_id in self._decoded:
            return
        target = self._targets.get(ref_id)
        if target is not None and target.get("href") is None:
            self._arrived(target)  # the target came first
        else:
            self._awaited.add(ref_id)

    def _arrived(self, target: Any) -> None:
        ref_id = target.get("id")
        self._decoded[ref_id] = self._entry(target)
        self._awaited.discard(ref_id)
        self._targets.pop(ref_id, None)
        self._spend(target)

    def _entry(self, element: Any) -> StockListEntry:
        entry = _plain_entry(element)
        if entry is not None:
            return entry
        index = len(self._decoded) + len(self._slots)
        wire = Reader(self._body).read(element, STOCK_LIST_ITEM, path=f"{_OPERATION}.List[{index}]")
        return StockListEntry.from_wire(wire)

    def _spend(self, target: Any) -> None:
        # The element just ended may still be the parser's last node: it is
        # removed with the next one, as iterparse callers drop previous siblings.
        for spent in self._spent:
            self._body.remove(spent)
        target.clear()
        self._spent = [target]

    def _ready(self) -> list[StockListEntry]:
        ready: list[StockListEntry] = []
        while self._slots:
            slot = self._slots[0]
            if isinstance(slot, str):
                if slot not in self._decoded:
                    break
                slot = self._decoded[slot]
            ready.append(slot)
            self._slots.popleft()
        return ready

    # --- the end ---

    def _decode_rest(self, root: Any) -> list[StockListEntry]:
        """Decode what stayed in the tree: the framing, Count, any entries not streamed."""
        for array in self._arrays:
            del array[:]  # all streamed
        for spent in self._spent:
            self._body.remove(spent)
        self._spent = []
        body = root.find(_BODY)
        if body is None:
            raise ProtocolError("SOAP envelope has no Body")
        raise_fault(body)
        response = find_response(body, self.definition)
        returned = return_element(response, self.definition)
        wire = Reader(body).read(returned, self.definition.result, path=_OPERATION)
        entries = self._ready()
        if not isinstance(wire, Mapping):
            return entries
        count = wire.get("Count")
        items = wire.get("List")
        if isinstance(items, list):
            entries += [StockListEntry.from_wire(item) for item in items if item is not None]
        self.count = count if isinstance(count, int) else None
        return entries


def _plain_entry(element: Any) -> StockListEntry | None:
    """The entry of an item laid out as Khaos writes it, read by a direct walk.

    That is: no href or nil on the item or its fields, fields unqualified and
    holding text only, a LastUpdated that parses. Such an item gives the same
    entry as the generic reader; for anything else this returns None and the
    generic reader decides, with its own messages.
    """
    if element.get("href") is not None or element.get(_NIL) is not None:
        return None
    texts: dict[str, str | None] = {}
    for child in element:
        tag = child.tag
        if tag in _ENTRY_FIELDS:
            if tag in texts:
                continue  # the first occurrence wins
            if len(child) or child.get("href") is not None or child.get(_NIL) is not None:
                return None
            texts[tag] = child.text
        elif isinstance(tag, str) and tag.startswith("{"):
            return None  # a qualified name may be one of the fields
    if not texts:
        return None
    updated = texts.get("LastUpdated")
    try:
        last_updated = None if updated is None else parse_scalar(updated, "dateTime")
    except ValueFormatError:
        return None
    return StockListEntry(
        stock_code=texts.get("StockCode") or "",
        other_ref=texts.get("OtherRef") or "",
        stock_desc=texts.get("StockDesc") or "",
        parent_code=texts.get("ParentCode") or "",
        parent_other_ref=texts.get("ParentOtherRef") or "",
        last_updated=last_updated,
    )


def _local(element: Any) -> str:
    return etree.QName(element).localname


def _release(element: Any) -> None:
    element.clear()
    parent = element.getparent()
    while element.getprevious() is not None:
        del parent[0]
