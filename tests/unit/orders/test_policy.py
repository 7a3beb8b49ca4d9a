"""How the exporter reads Khaos's answers: skip reasons and retry delays."""

from __future__ import annotations

from datetime import timedelta

import pytest

from khaos_sync.config import ConfigError, load
from khaos_sync.sync.orders.classify import SkipKind, classify_skip
from khaos_sync.sync.orders.exporter import backoff

CONFIG = load({}).values["orders"]


@pytest.mark.parametrize(
    ("reason", "kind"),
    [
        (
            "Duplicate order: associated ref '100001' already exists on sales order SO5",
            SkipKind.DUPLICATE,
        ),
        ("Stock item ABC is discontinued", SkipKind.REFUSED),
        ("Stock item 'XYZ' not found (mapping type 1)", SkipKind.REFUSED),
        (
            "Stock item ABC is run to zero and has insufficient stock (required 2, available 0)",
            SkipKind.REFUSED,
        ),
        ("Field IADDRESS1 is too long (41 characters, maximum 35)", SkipKind.REFUSED),
        ("Sales source 'Web' does not exist in Khaos Control", SkipKind.REFUSED),
        ("Deadlock victim, please rerun", SkipKind.UNKNOWN),
    ],
)
def test_skip_reasons_are_classified(reason, kind):
    assert classify_skip(reason, CONFIG) is kind


def test_backoff_doubles_up_to_a_ceiling():
    delays = [backoff(n, 30, 300) for n in range(1, 6)]
    assert delays == [timedelta(seconds=s) for s in (30, 60, 120, 240, 300)]


def test_the_orders_configuration_is_checked_at_start():
    config = load({"KHAOS_SYNC_ORDERS_BATCH_SIZE": "50"}).values["orders"]
    assert config["batch_size"] == 50
    with pytest.raises(ConfigError, match=r"orders\.max_attempts"):
        load({"KHAOS_SYNC_ORDERS_MAX_ATTEMPTS": "0"})
    with pytest.raises(ConfigError, match=r"orders\.keycode"):
        load({"KHAOS_SYNC_ORDERS_KEYCODE": "sometimes"})


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
