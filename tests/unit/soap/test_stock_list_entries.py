"""Each GetStockList entry reads the same by the direct walk as by the generic SOAP reader.

The streaming decoder reads an entry laid out as Khaos writes it with a
direct walk over its fields and leaves any other layout to the generic
reader. Answers with entries of every shape below, inline and as
multi-reference elements, must give the same entries, or the same error,
with the direct walk as with the generic reader alone.
"""

from __future__ import annotations

from typing import Any

import pytest
from lxml import etree

from khaos_sync.protocol.results import StockList, StockListEntry
from khaos_sync.protocol.soap import stock_list
from khaos_sync.protocol.soap.envelope import Reader
from khaos_sync.protocol.soap.operations import STOCK_LIST_ITEM
from khaos_sync.protocol.soap.stock_list import StockListAnswer, _plain_entry

from .answers import response

TYPED = (
    '<StockCode xsi:type="xsd:string">A1</StockCode>'
    '<OtherRef xsi:type="xsd:string">OR-1</OtherRef>'
    '<StockDesc xsi:type="xsd:string">Rucksack &amp; co</StockDesc>'
    '<ParentCode xsi:type="xsd:string"></ParentCode>'
    '<ParentOtherRef xsi:type="xsd:string"></ParentOtherRef>'
    '<LastUpdated xsi:type="xsd:dateTime">2025-05-02T20:52:47.000</LastUpdated>'
)

FIELDS = {
    "as the simulator writes it": TYPED,
    "untyped": "<StockCode>A1</StockCode><ParentCode>P</ParentCode>",
    "only a code": "<StockCode>A1</StockCode>",
    "blank texts": "<StockCode/><OtherRef></OtherRef><StockDesc>  </StockDesc>",
    "cdata": "<StockCode><![CDATA[<A1>]]></StockCode>",
    "the first of two wins": "<StockCode>A1</StockCode><StockCode>A2</StockCode>",
    "a bad duplicate is never read": (
        "<LastUpdated>2024-01-01</LastUpdated><LastUpdated>soon</LastUpdated>"
    ),
    "unknown fields are ignored": "<Extra>x</Extra><StockCode>A1</StockCode><More><a/></More>",
    "qualified names": '<NS2:StockCode xmlns:NS2="urn:IKosWebIntf">A1</NS2:StockCode>',
    "qualified unknown": '<NS2:Extra xmlns:NS2="urn:IKosWebIntf">x</NS2:Extra>'
    "<StockCode>A1</StockCode>",
    "comments": "<!-- a --><StockCode>A1<!-- b --></StockCode><?pi x?>",
    "nil string": '<StockCode>A1</StockCode><StockDesc xsi:nil="true"/>',
    "nil false": '<StockCode xsi:nil="false">A1</StockCode>',
    "nil date": '<StockCode>A1</StockCode><LastUpdated xsi:nil="1"/>',
    "a field by reference": '<StockCode href="#s1"/>',
    "an external reference": '<StockCode href="http://example.invalid/x"/>',
    "a field with an element": "<StockCode>A<b>1</b></StockCode>",
    "date with a space": "<StockCode>A1</StockCode><LastUpdated>2024-06-01 08:00:00</LastUpdated>",
    "date with Z": "<StockCode>A1</StockCode><LastUpdated>2024-06-01T08:00:00Z</LastUpdated>",
    "date with offset": (
        "<StockCode>A1</StockCode><LastUpdated>2024-05-01T09:30:00.000+01:00</LastUpdated>"
    ),
    "date alone": "<StockCode>A1</StockCode><LastUpdated>2024-06-01</LastUpdated>",
    "date blank": "<StockCode>A1</StockCode><LastUpdated> </LastUpdated>",
    "Delphi null date": "<StockCode>A1</StockCode><LastUpdated>1899-12-30T00:00:00</LastUpdated>",
    "date padded": "<StockCode>A1</StockCode><LastUpdated> 2024-06-01T08:00:00 </LastUpdated>",
    "bad date": "<StockCode>A1</StockCode><LastUpdated>soon</LastUpdated>",
    "impossible date": "<StockCode>A1</StockCode><LastUpdated>2024-02-30T08:00:00</LastUpdated>",
    "no fields": "",
    "whitespace only": "  ",
    "text only": "A1",
}
SHARED = '<x id="s1" xsi:type="xsd:string">Shared</x>'


def inline(fields: str, item_attributes: str = "") -> bytes:
    return response(
        "GetStockList",
        '<return xsi:type="NS2:TStockList"><Count xsi:type="xsd:int">2</Count>'
        f"<List><item{item_attributes}>{fields}</item><item>{TYPED}</item></List></return>",
        SHARED,
    )


def multiref(fields: str) -> bytes:
    return response(
        "GetStockList",
        '<return href="#1"/>',
        '<multiRef id="1"><List><item href="#2"/><item href="#3"/></List></multiRef>'
        f'<multiRef id="2">{fields}</multiRef><multiRef id="3">{TYPED}</multiRef>{SHARED}',
    )


def outcome(read: Any) -> tuple[str, str]:
    try:
        return ("value", repr(read()))
    except Exception as exc:
        return ("error", f"{type(exc).__name__}: {exc}")


def streamed(body: bytes, size: int) -> StockList:
    answer = StockListAnswer()
    entries: list[StockListEntry] = []
    for start in range(0, len(body), size):
        entries += answer.feed(body[start : start + size])
    entries += answer.finish()
    count = len(entries) if answer.count is None else answer.count
    return StockList(count=count, entries=tuple(entries))


CASES = [
    *((f"inline, {name}", inline(fields)) for name, fields in FIELDS.items()),
    *((f"multiref, {name}", multiref(fields)) for name, fields in FIELDS.items()),
    ("inline, nil item", inline("", ' xsi:nil="true"')),
    ("inline, item by reference", inline("", ' href="#s1"')),
]


@pytest.mark.parametrize("size", [1, 13, 1 << 16])
@pytest.mark.parametrize("body", [body for _, body in CASES], ids=[name for name, _ in CASES])
def test_entries_are_those_of_the_generic_reader(body, size, monkeypatch):
    direct = outcome(lambda: streamed(body, size))
    monkeypatch.setattr(stock_list, "_plain_entry", lambda element: None)
    assert direct == outcome(lambda: streamed(body, size))


@pytest.mark.parametrize("fields", list(FIELDS.values()), ids=list(FIELDS))
def test_the_direct_walk_reads_an_entry_as_the_generic_reader_or_leaves_it(fields):
    body = etree.fromstring(inline(fields)).find("{http://schemas.xmlsoap.org/soap/envelope/}Body")
    item = body.find(".//item")
    entry = _plain_entry(item)
    generic = outcome(
        lambda: StockListEntry.from_wire(Reader(body).read(item, STOCK_LIST_ITEM, path="List[0]"))
    )
    if entry is not None:
        assert ("value", repr(entry)) == generic


def test_the_direct_walk_takes_the_layout_khaos_writes():
    body = etree.fromstring(inline(TYPED))
    entry = _plain_entry(body.find(".//item"))
    assert entry is not None
    assert entry.stock_desc == "Rucksack & co"
