"""``--catalogue FILE ...``: real KSDXMLStock exports loaded into the simulator."""

from __future__ import annotations

from pathlib import Path

from khaos_sync.protocol.client import KhaosClient
from khaos_sync.protocol.documents.stock import parse_stock
from khaos_sync.simulator import run_in_thread


def export_of(tmp_path: Path, count: int, seed: int) -> str:
    with run_in_thread(tmp_path / f"source{seed}.sqlite3", generate=count, seed=seed) as source:
        with KhaosClient(source.url) as khaos:
            return khaos.export_stock()


def test_files_are_loaded_and_the_last_file_wins(tmp_path: Path) -> None:
    document = export_of(tmp_path, 40, seed=1)
    first = tmp_path / "first.xml"
    first.write_text(document, encoding="utf-8")
    original = parse_stock(document)
    changed = original[0]
    second = tmp_path / "second.xml"
    second.write_text(
        document.replace(
            f"<![CDATA[{changed.stock_desc}]]>", "<![CDATA[From the second file]]>", 1
        ),
        encoding="utf-8",
    )

    with run_in_thread(tmp_path / "loaded.sqlite3", catalogue=[first, second]) as sim:
        with KhaosClient(sim.url) as khaos:
            loaded = parse_stock(khaos.export_stock())
            status = khaos.export_stock_status(site_id=-1)

    assert [i.stock_id for i in loaded] == [i.stock_id for i in original]
    assert loaded[0].stock_desc == "From the second file"
    scs = [i for i in original if i.scs is not None and i.scs.children]
    again = {i.stock_id: i for i in loaded}
    for parent in scs:
        children = again[parent.stock_id].scs
        assert children is not None and len(children.children) == len(parent.scs.children)  # type: ignore[union-attr]
    assert "<LEVEL>" in status


def test_the_published_sample_loads(tmp_path: Path, khaosws_samples: Path) -> None:
    with run_in_thread(
        tmp_path / "sample.sqlite3", catalogue=[khaosws_samples / "KSDXMLStock.xml"]
    ) as sim:
        assert sim.control.state()["counts"]["items"] >= 1


def test_the_own_fixture_loads_with_its_variant(tmp_path: Path, khaosws_fixtures: Path) -> None:
    with run_in_thread(
        tmp_path / "own.sqlite3", catalogue=[khaosws_fixtures / "KSDXMLStock.xml"]
    ) as sim:
        with KhaosClient(sim.url) as khaos:
            loaded = {i.stock_code: i for i in parse_stock(khaos.export_stock())}
    assert {"FLASK-750", "MUG-ENAMEL"} <= set(loaded)
    flask = loaded["FLASK-750"].scs
    assert flask is not None and [c.item.stock_code for c in flask.children] == ["FLASK-750-GRN"]
