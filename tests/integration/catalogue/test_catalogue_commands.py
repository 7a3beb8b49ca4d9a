"""The catalogue commands an integrator runs."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from khaos_sync.cli.main import cli
from tests.integration.catalogue.stock_documents import write_catalogue

pytestmark = pytest.mark.django_db(transaction=True)


def test_import_stock_files_then_dump_the_catalogue_as_json(tmp_path):
    export = write_catalogue(tmp_path / "export.xml")
    runner = CliRunner()

    imported = runner.invoke(cli, ["import", "stock", str(export)])
    assert imported.exit_code == 0, imported.output
    assert "created" in imported.output and "succeeded" in imported.output

    dumped = runner.invoke(cli, ["dump", "catalogue", "--json"])
    assert dumped.exit_code == 0, dumped.output
    rows = json.loads(dumped.stdout)
    book = next(row for row in rows if row["sku"] == "BOOK-1")
    assert set(book) >= {
        "stock_id", "sku", "name", "summary", "price_incl_tax", "vat_rate", "published",
        "khaos_deleted", "shown", "tags", "categories", "variants",
    }  # fmt: skip
    assert book["stock_id"] == "501" and book["price_incl_tax"] == "12.00"
    scs = next(row for row in rows if row["sku"] == "SCS2")
    assert all({"options", "sku", "price_incl_tax"} <= set(v) for v in scs["variants"])


def test_sync_catalogue_from_the_simulator_prints_a_summary(tmp_path, simulator, monkeypatch):
    runner = CliRunner()
    result = runner.invoke(cli, ["sync", "catalogue", "--full", "--url", simulator.url])
    assert result.exit_code == 0, result.output
    lines = dict(line.split(None, 1) for line in result.stdout.splitlines() if line.strip())
    assert lines["outcome"].strip() == "succeeded"
    assert int(lines["created"]) > 0
    # A full run reads the tree; the first one knows no tree before it.
    assert lines["web"].split() == ["category", "tree", "read"]
