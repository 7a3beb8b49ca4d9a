"""The stock methods over HTTP: lists, exports, levels, potential, web categories."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from khaos_sync.protocol.client import KhaosClient
from khaos_sync.protocol.documents.stock import parse_stock
from khaos_sync.protocol.errors import SoapFault
from khaos_sync.protocol.soap.compression import decompress
from khaos_sync.protocol.xmlsafe import parse_document
from khaos_sync.simulator import RunningSimulator
from khaos_sync.simulator.generator import generate
from khaos_sync.simulator.store import Store


def test_simple_lists(client: KhaosClient) -> None:
    assert client.get_version()
    assert [s.site_name for s in client.get_site_list().sites] == ["Warehouse", "Shop", "Returns"]
    assert "INTERNET" in client.get_sale_source()
    assert "Internet" in client.get_company_class()
    assert client.get_country_list().countries[0].country_code3 == "GBR"
    assert client.get_price_lists() == ["Retailers", "Trade", "Web Prices"]
    for getter in (
        client.get_company_status,
        client.get_manufacturer,
        client.get_agent_list,
        client.get_keycode_types,
    ):
        assert getter()


def test_stock_list_filters_by_item_type(sim: RunningSimulator, client: KhaosClient) -> None:
    everything = client.get_stock_list()
    parents = client.get_stock_list(stock_item_type=1)
    children = client.get_stock_list(stock_item_type=2)

    assert everything.count == sim.store.query("SELECT COUNT(*) FROM items")[0][0]
    assert parents.count and all(not e.parent_code for e in parents.entries)
    assert children.count and all(e.parent_code for e in children.entries)
    assert {e.parent_code for e in children.entries} <= {e.stock_code for e in parents.entries}


def test_changed_since_sees_an_edit_and_a_stock_movement(
    sim: RunningSimulator, client: KhaosClient
) -> None:
    edited, moved = (i.code for i in sim.store.items_where("kind = 'standalone' LIMIT 2"))
    sim.control.advance_clock(days=1)
    since = sim.store.now() - timedelta(seconds=1)

    sim.control.edit_item(edited, price="1.23")
    sim.control.adjust_stock(moved, 1, delta=5)

    revised = [e.stock_code for e in client.get_stock_list(date_type=0, date_value=since).entries]
    movements = [e.stock_code for e in client.get_stock_list(date_type=2, date_value=since).entries]
    assert revised == [edited]
    assert movements == [moved]
    changed = parse_stock(client.export_stock(last_updated=since))
    assert [i.stock_code for i in changed] == [edited]
    status = client.export_stock_status(last_updated=since)
    assert f'CODE="{moved}"' in status and f'CODE="{edited}"' in status


def test_export_stock_by_codes_other_refs_and_descriptions(
    sim: RunningSimulator, client: KhaosClient
) -> None:
    a, b = sim.store.items_where("kind = 'standalone' AND other_ref != '' LIMIT 2")

    by_code = parse_stock(client.export_stock(stock_code=f"{a.code}, {b.code}"))
    by_ref = parse_stock(client.export_stock(stock_code=a.other_ref, mapping_type=2))
    by_desc = parse_stock(client.export_stock(stock_code=a.description, mapping_type=4))
    codes_win = parse_stock(client.export_stock(stock_code=a.code, last_updated=a.revised))

    assert [i.stock_code for i in by_code] == [a.code, b.code]
    assert [i.stock_id for i in by_ref] == [str(a.stock_id)]
    assert str(a.stock_id) in {i.stock_id for i in by_desc}
    assert [i.stock_code for i in codes_win] == [a.code]


def test_the_stock_document_looks_like_a_real_export(
    sim: RunningSimulator, client: KhaosClient
) -> None:
    document = client.export_stock(last_updated=None)

    assert document.startswith("\ufeff<?xml") and "\n" not in document
    assert "<![CDATA[" in document and 'IS_NET="-1"' in document and 'IS_NET="0"' in document
    assert "<IMAGE_FILENAME>?</IMAGE_FILENAME>" in document and "P:\\Images\\" in document
    assert "<SELL_PRICE_WEB>0</SELL_PRICE_WEB>" in document
    items = parse_stock(document)
    types = {uda.type for item in items for uda in item.udas}
    assert types == {"TEXT", "DATE", "YES/NO", "NUMBER", "LIST", "CHOICE"}
    assert any(len({u.name for u in i.udas}) < len(i.udas) for i in items), "duplicate UDA names"
    assert any(u.type == "LIST" and not u.value for i in items for u in i.udas)
    assert {i.vat_rate for i in items} >= {20, 0}
    assert any(i.deleted for i in items) and any(i.run_to_zero for i in items)
    assert any(link.link_type == 3 for i in items for link in i.linked_items)
    assert any(item.sell_price_web and item.sell_price_web > 0 for item in items)


def test_scs_parents_carry_their_children(sim: RunningSimulator, client: KhaosClient) -> None:
    parent = sim.store.items_where(
        "kind = 'scs_parent' AND json_array_length(data, '$.scs_headings') > 1 LIMIT 1"
    )[0]
    children = sim.store.children_of([parent.stock_id])[parent.stock_id]

    (item,) = parse_stock(client.export_stock(stock_code=parent.code))

    assert item.scs is not None
    assert [h.name for h in item.scs.headings] == parent.scs_headings
    assert sorted(c.item.stock_code or "" for c in item.scs.children) == sorted(
        c.code for c in children
    )
    first = next(c for c in item.scs.children if c.item.stock_code == children[0].code)
    assert [value for _heading, value in first.options] == [
        s.description for s in children[0].scs_path
    ]
    raw = client.export_stock(stock_code=parent.code)
    assert raw.index("<STYLE>") < raw.index("<HEADING")  # headings after the STYLE tree


def test_stock_status_per_site_and_for_all_sites(
    sim: RunningSimulator, client: KhaosClient
) -> None:
    item = sim.store.items_where(
        "kind = 'standalone' AND json_extract(data, '$.stock_controlled') = 1 LIMIT 1"
    )[0]
    sim.control.adjust_stock(item.code, 1, level=9)
    sim.control.adjust_stock(item.code, 2, level=0)

    default = parse_document(client.export_stock_status(stock_code=item.code))
    every = parse_document(client.export_stock_status(stock_code=item.code, site_id=-1))

    assert default.get("SITE") == "Warehouse"
    assert default.findtext("STOCK_ITEM/LEVEL") == "9"
    assert [e.findtext("LEVEL") for e in every.iter("STOCK_ITEM")] == [
        "9",
        "0",
        *[str(sim.store.level(item.stock_id, 3))],
    ]
    with pytest.raises(SoapFault):
        client.export_stock_status(stock_code=item.code, site_id=42)


def test_stock_status_codes(sim: RunningSimulator, client: KhaosClient) -> None:
    status = parse_document(client.export_stock_status(site_id=-1))
    codes = {int(e.findtext("STATUS") or "-1") for e in status.iter("STOCK_ITEM")}

    assert {0, 3, 4, 5} <= codes


def test_stock_potential_counts_packs_from_their_children(
    sim: RunningSimulator, client: KhaosClient
) -> None:
    pack = sim.store.items_where("kind = 'pack' LIMIT 1")[0]
    for link in pack.pack_children:
        code = sim.store.codes_of([link.target_id])[link.target_id]
        for site in (1, 2, 3):
            sim.control.adjust_stock(code, site, level=0)
        sim.control.adjust_stock(code, 1, level=10 * int(link.value))

    (potential,) = client.get_stock_potential(stock_code=pack.code, mapping_type=1)
    by_id = client.get_stock_potential(stock_code=str(pack.stock_id))

    assert potential.available == 10
    assert by_id == [potential]


def test_compressed_exports(sim: RunningSimulator, client: KhaosClient) -> None:
    code = sim.store.items_where("kind = 'standalone' LIMIT 1")[0].code

    for method in (0, 1):
        result = client.export_stock_compressed(stock_code=code, compression_method=method)
        data = decompress(result.data, result.method, expected_size=result.original_size)
        assert parse_stock(data)[0].stock_code == code


def test_web_categories(sim: RunningSimulator, client: KhaosClient) -> None:
    tree = parse_document(client.export_web_categories())
    ex2 = parse_document(
        client.export_web_categories_ex2(website_name="Web Store", include_items=True)
    )
    bare = parse_document(
        client.export_web_categories_ex2(website_name="Web Store", include_items=False)
    )

    assert tree.get("NAME") == "Web Store"
    assert tree.find("CATEGORY/CATEGORY/ITEM") is not None
    assert any(c.get("DELETE") == "-1" for c in tree.iter("CATEGORY"))
    assert ex2.find(".//ITEM") is None and ex2.find(".//STOCK_ITEM/STOCK_ID") is not None
    assert ex2.find(".//SCS") is None
    assert bare.find(".//STOCK_ITEM") is None
    codes = [e.text for e in tree.iter("STOCK_CODE")]
    assert len(codes) != len(set(codes))  # items sit in several categories
    with pytest.raises(SoapFault):
        client.export_web_categories(website="No Such Site")


def test_generation_is_deterministic(tmp_path: Path) -> None:
    def snapshot(name: str) -> list[tuple[str, str]]:
        store = Store(tmp_path / name)
        generate(store, 60, seed=11)
        rows = store.query("SELECT code, data FROM items ORDER BY stock_id")
        store.close()
        return [(r[0], r[1]) for r in rows]

    assert snapshot("a.sqlite3") == snapshot("b.sqlite3")


def test_compressed_stock_list_and_categories(client: KhaosClient) -> None:
    listing = client.get_stock_list_compressed(compression_method=1)
    categories = client.export_web_categories_compressed(compression_method=0)

    rows = parse_document(decompress(listing.data, listing.method)).findall("ITEM")
    tree = parse_document(decompress(categories.data, categories.method))
    assert len(rows) == client.get_stock_list().count
    assert tree.get("NAME") == "Web Store"


def test_an_scs_child_asked_for_by_code_comes_on_its_own(
    sim: RunningSimulator, client: KhaosClient
) -> None:
    child = sim.store.items_where("kind = 'scs_child' LIMIT 1")[0]

    (item,) = parse_stock(client.export_stock(stock_code=child.code))

    assert item.stock_id == str(child.stock_id) and item.scs is None
