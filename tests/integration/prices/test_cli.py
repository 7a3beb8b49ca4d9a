"""``khaos-sync sync prices`` and ``khaos-sync dump prices --json``."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from khaos_sync.cli.prices import dump_prices, sync_prices
from tests.integration.orders.support import khaos_product
from tests.integration.prices.support import khaos_price_lists

pytestmark = pytest.mark.django_db


def test_sync_prices_fetches_the_lists_and_dump_prints_the_resolved_prices(khaos):
    khaos_product(khaos, "12.00", code="PL0001")
    khaos_price_lists(khaos, "PL0001")

    result = CliRunner().invoke(sync_prices, ["--url", khaos.url])

    assert result.exit_code == 0, result.output
    assert "price lists fetched" in result.output and "succeeded" in result.output

    dumped = CliRunner().invoke(dump_prices, ["--json"])
    assert dumped.exit_code == 0, dumped.output
    lists = {entry["name"]: entry for entry in json.loads(dumped.output)}
    trade = lists["Trade"]
    assert trade["prices"] == "net"
    assert trade["assignments"] == [{"kind": "class", "value": "Trade"}]
    assert [
        (e["stock_code"], e["qty_start"], e["qty_end"], e["unit_price_incl_vat"])
        for e in trade["entries"]
        if e["stock_code"] == "PL0001"
    ] == [("PL0001", 1, 9, "8.40"), ("PL0001", 10, 9999, "7.20")]
    web = lists["Web Prices"]["entries"]
    assert [e["unit_price_incl_vat"] for e in web if e["stock_code"] == "PL0001"] == ["11.40"]
    retailers = lists["Retailers"]["entries"]
    assert [
        (e["amount"], e["discount_percent"], e["unit_price_incl_vat"])
        for e in retailers
        if e["stock_code"] == "PL0001"
    ] == [("10", "10", "10.80")]


def test_a_list_khaos_does_not_have_is_one_failed_item_and_exit_1(khaos):
    result = CliRunner().invoke(sync_prices, ["--url", khaos.url, "--list", "No Such List"])

    assert result.exit_code == 1
    assert "No Such List" in result.output
