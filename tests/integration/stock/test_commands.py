"""``khaos-sync sync stock`` and the stock columns of ``dump catalogue --json``."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from khaos_sync.cli.stock import sync_stock
from khaos_sync.simulator import RunningSimulator
from khaos_sync.sync.catalogue.dump import dump_products
from khaos_sync.sync.catalogue.models import BundleComponent
from khaos_sync.sync.stock.flow import sync_stock_once

from .conftest import sync_catalogue_and_publish

pytestmark = pytest.mark.django_db


def test_sync_stock_prints_what_the_run_did(shop: RunningSimulator) -> None:
    shop.control.add_item("T-CLI", "Command line item", "5.00", level=6)
    sync_catalogue_and_publish()

    result = CliRunner().invoke(sync_stock, ["--full"])

    assert result.exit_code == 0, result.output
    assert re.search(r"^outcome\s+succeeded$", result.stdout, re.MULTILINE)
    updated = re.search(r"^updated\s+(\d+)$", result.stdout, re.MULTILINE)
    assert updated and int(updated.group(1)) >= 1
    assert "sites: [1, 2]" in result.stdout


def test_dump_shows_level_and_buyable_for_items_variants_and_packs(
    shop: RunningSimulator,
) -> None:
    shop.control.add_item("T-RTZ0", "Sold out", "5.00", level=0, run_to_zero=True)
    shop.control.add_item("T-PLENTY", "Plenty", "5.00", level=9)
    sync_catalogue_and_publish()
    sync_stock_once()

    rows = {row["sku"]: row for row in dump_products()}

    assert (rows["T-RTZ0"]["level"], rows["T-RTZ0"]["buyable"]) == (0, False)
    assert (rows["T-PLENTY"]["level"], rows["T-PLENTY"]["buyable"]) == (9, True)
    variants = [v for row in rows.values() for v in row["variants"]]
    assert variants and all({"level", "buyable"} <= set(v) for v in variants)
    parent = next(row for row in rows.values() if row["variants"])
    assert parent["level"] is None
    assert parent["buyable"] == any(v["buyable"] for v in parent["variants"])
    pack_code = BundleComponent.objects.values_list("bundle__stock_code", flat=True).first()
    assert isinstance(rows[pack_code]["level"], int)
