"""The exporter's retry delays and the orders configuration."""

from __future__ import annotations

from datetime import timedelta

import pytest

from khaos_sync.config import ConfigError, load
from khaos_sync.sync.orders.exporter import backoff

CONFIG = load({}).values["orders"]


def test_backoff_doubles_up_to_a_ceiling():
    delays = [backoff(n, 30, 300) for n in range(1, 6)]
    assert delays == [timedelta(seconds=s) for s in (30, 60, 120, 240, 300)]


def test_the_orders_configuration_is_checked_at_start():
    config = load({"KHAOS_SYNC_ORDERS_BATCH_SIZE": "50"}).values["orders"]
    assert config["batch_size"] == 50
    with pytest.raises(ConfigError, match=r"orders\.max_attempts"):
        load({"KHAOS_SYNC_ORDERS_MAX_ATTEMPTS": "0"})
    with pytest.raises(ConfigError, match=r"orders\.calculation"):
        load({"KHAOS_SYNC_ORDERS_CALCULATION": "sometimes"})
    assert CONFIG["tax_codes"] == {"20": 1, "0": 2, "5": 4}
    assert CONFIG["calculation"] == "gross" and CONFIG["merchant_account"] == "0"


def test_courier_and_payment_tables_are_checked(tmp_path):
    good = tmp_path / "good.toml"
    good.write_text(
        '[orders]\ncouriers = { "express" = "DPD" }\n'
        'payment_types = { "paypal" = { type = 2, card_type = "PAYPAL" } }\n'
    )
    values = load({"KHAOS_SYNC_CONFIG": str(good)}).values["orders"]
    assert values["couriers"] == {"express": "DPD"}
    assert values["payment_types"] == {"paypal": {"type": 2, "card_type": "PAYPAL"}}
    bad = tmp_path / "bad.toml"
    bad.write_text('[orders]\npayment_types = { "paypal" = { type = 9 } }\n')
    with pytest.raises(ConfigError, match=r"orders\.payment_types\.paypal\.type"):
        load({"KHAOS_SYNC_CONFIG": str(bad)})


def test_the_tax_code_table_is_checked(tmp_path):
    own = tmp_path / "own.toml"
    own.write_text('[orders]\ntax_codes = { "20" = 1, "0" = 2, "5" = 4, "12.5" = 7 }\n')
    assert load({"KHAOS_SYNC_CONFIG": str(own)}).values["orders"]["tax_codes"]["12.5"] == 7
    for bad, message in (
        ('{ "20" = "1" }', r"orders\.tax_codes\.20 must be a Khaos tax code"),
        ('{ "twenty" = 1 }', r"'twenty' is not a VAT rate"),
        ('{ "0" = 2 }', r"standard rate to Khaos tax code 1"),
    ):
        path = tmp_path / "bad.toml"
        path.write_text(f"[orders]\ntax_codes = {bad}\n")
        with pytest.raises(ConfigError, match=message):
            load({"KHAOS_SYNC_CONFIG": str(path)})
