"""GetSOPData reference data."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from khaos_sync.protocol.documents.sop_data import Band, parse_sop_data


def test_sample(khaosws_samples: Path) -> None:
    sop = parse_sop_data((khaosws_samples / "KSDXMLSOPData.xml").read_bytes())
    assert [(c.code, c.name) for c in sop.couriers] == [
        ("ABCD", "Royal Mail Standard"),
        ("1234", "UPS Standard"),
    ]
    (rate,) = sop.delivery_rates  # the empty placeholder RATE is skipped
    assert (rate.country_code, rate.zone, rate.postcodes) == ("GBR", "Zone 1", ("CH43", "CH44"))
    assert rate.weight == Band(Decimal("100.1"), Decimal("200.5"))
    assert rate.value == Band(Decimal("50.50"), Decimal("75.20"))
    assert (rate.postage, rate.value_is_gross, rate.postage_is_vatable) == (
        Decimal("15.00"),
        True,
        True,
    )
    assert (rate.priority, rate.currency_desc, rate.brand) == (1, "Pounds Sterling", None)
    assert len(sop.courier_bandings) == 2
    assert sop.courier_bandings[0].weight == Band(Decimal("100.5"), Decimal("200.75"))

    (keycode,) = sop.keycodes
    assert (keycode.id, keycode.code, keycode.description) == (
        "KEYCODE_ID",
        "Keycode",
        "Description",
    )
    assert (keycode.keycode_date, keycode.expiry_date) == (date(2006, 1, 1), date(2007, 1, 1))
    assert keycode.additive_discount is True and keycode.web_use is True
    assert [(d.order_low, d.order_high, d.percent) for d in keycode.discounts] == [
        (Decimal("0.49"), Decimal("0.99"), Decimal("40.4")),
        (Decimal("0.99"), Decimal("10.99"), Decimal("50.5")),
    ]
    assert keycode.free_items[0].stock_code == "STOCKCODE"
    assert keycode.free_items[0].auto_add is True

    (offer,) = sop.special_offers
    assert (offer.stock_code, offer.sell_price, offer.sell_price_is_net) == (
        "Code",
        Decimal("10.99"),
        True,
    )
    assert offer.extended_desc == ("This is a description line!", "This is another one")
    assert [(g.id, g.stock_codes) for g in sop.free_gifts] == [
        ("ABC121", ("ARX_100", "ARX_101")),
        ("ABC122", ("ARX_200", "ARX_201")),
    ]


def test_own_fixture(khaosws_fixtures: Path) -> None:
    sop = parse_sop_data((khaosws_fixtures / "KSDXMLSOPData.xml").read_bytes())
    assert [c.code for c in sop.couriers] == ["DPD1", "RM48"]
    (rate,) = sop.delivery_rates  # the empty RATE is skipped
    assert rate.postcodes == ("YO21", "YO22", "NE30")
    assert rate.value == Band(Decimal("0.00"), Decimal("49.99"))
    assert (rate.postage, rate.priority) == (Decimal("4.99"), 2)
    (keycode,) = sop.keycodes
    assert (keycode.code, keycode.additive_discount, keycode.web_use) == ("SPRING25", False, True)
    assert keycode.expiry_date == date(2025, 5, 31)
    assert [d.percent for d in keycode.discounts] == [Decimal("10")]
    assert keycode.free_items[0].stock_code == "MUG-ENAMEL"
    assert keycode.free_items[0].auto_add is False
    (offer,) = sop.special_offers
    assert (offer.stock_code, offer.sell_price, offer.sell_price_is_net) == (
        "FLASK-750",
        Decimal("15.00"),
        False,
    )
    assert offer.extended_desc == ("November only",)
    assert [(g.id, g.stock_codes) for g in sop.free_gifts] == [("FG1", ("MUG-ENAMEL",))]
