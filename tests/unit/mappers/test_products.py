"""Product mapping rules (mapping.md §1) without a database."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from decimal import Decimal

import pytest

from khaos_sync.mappers.html import sanitise_html
from khaos_sync.mappers.products import (
    CHILD,
    PARENT,
    MappingError,
    MappingOptions,
    map_stock_item,
)
from khaos_sync.mappers.tags import tags_from_udas
from khaos_sync.protocol.documents.stock import Uda, parse_stock

OPTIONS = MappingOptions(default_vat_rate=Decimal("20"))


def stock(body: str) -> list:
    return parse_stock(f"<STOCK_ITEMS>{body}</STOCK_ITEMS>")


def one(body: str, options: MappingOptions = OPTIONS):
    return list(map_stock_item(stock(f"<STOCK_ITEM>{body}</STOCK_ITEM>")[0], options))


BASE = "<STOCK_ID>7</STOCK_ID><STOCK_CODE>A1</STOCK_CODE><STOCK_DESC>Thing</STOCK_DESC>"


@pytest.mark.parametrize(
    ("price", "is_net", "web", "vat", "gross"),
    [
        ("10.00", "-1", "0", "20", "12.00"),
        ("10.00", "0", "0", "20", "10.00"),
        ("10.00", "-1", "8.00", "20", "9.60"),  # web price wins when positive
        ("10.00", "-1", "", "5", "10.50"),
        ("10.00", "-1", "0", "0", "10.00"),
        ("4.1625", "-1", "0", "20", "5.00"),  # 4.995 rounds half up
    ],
)
def test_price_is_what_khaos_will_charge(price, is_net, web, vat, gross):
    (spec,) = one(
        f'{BASE}<SELL_PRICE IS_NET="{is_net}">{price}</SELL_PRICE>'
        f"<SELL_PRICE_WEB>{web}</SELL_PRICE_WEB><VAT_RATE>{vat}</VAT_RATE>"
    )
    assert spec.price_incl_tax == Decimal(gross)
    assert spec.vat_rate == Decimal(vat)


def test_missing_vat_rate_uses_the_configured_default():
    (spec,) = one(f'{BASE}<SELL_PRICE IS_NET="-1">10</SELL_PRICE>', MappingOptions(Decimal("5")))
    assert spec.price_incl_tax == Decimal("10.50")


def test_scs_children_inherit_is_net_and_vat_and_get_their_options():
    body = (
        f'{BASE}<SELL_PRICE IS_NET="-1">10</SELL_PRICE><VAT_RATE>5</VAT_RATE><SCS>'
        "<STYLE><DESCRIPTION>Pink</DESCRIPTION><STYLE><DESCRIPTION>XL</DESCRIPTION>"
        "<SCS_ITEM><STOCK_ID>8</STOCK_ID><STOCK_CODE>A1-P-XL</STOCK_CODE>"
        "<SELL_PRICE>20</SELL_PRICE></SCS_ITEM></STYLE></STYLE>"
        '<HEADING LEVEL="1">Colour</HEADING><HEADING LEVEL="2">Size</HEADING></SCS>'
    )
    parent, child = one(body)
    assert parent.structure == PARENT and child.structure == CHILD
    assert child.parent_stock_id == "7"
    assert child.options == (("Colour", "Pink"), ("Size", "XL"))
    assert child.price_incl_tax == Decimal("21.00")


def test_deleted_flag_and_sell_rules():
    (spec,) = one(
        f"{BASE}<DELETED>-1</DELETED><RUN_TO_ZERO>-1</RUN_TO_ZERO><SALES_MULTIPLE>6</SALES_MULTIPLE>"
        "<MAX_DISPLAY_QTY>10</MAX_DISPLAY_QTY><AVAILABILITY>Back in May</AVAILABILITY>"
    )
    assert spec.khaos_deleted and spec.run_to_zero
    assert (spec.sales_multiple, spec.max_display_qty, spec.availability_text) == (
        6,
        10,
        "Back in May",
    )


def test_item_without_a_code_is_refused_with_a_clear_error():
    with pytest.raises(MappingError, match="has no STOCK_CODE"):
        one("<STOCK_ID>9</STOCK_ID>")


def test_fingerprint_changes_only_when_the_shop_would_change():
    (a,) = one(f'{BASE}<SELL_PRICE IS_NET="0">5</SELL_PRICE><LAUNCH_DATE>2020-01-01</LAUNCH_DATE>')
    (b,) = one(f'{BASE}<SELL_PRICE IS_NET="0">5</SELL_PRICE><LAUNCH_DATE>2021-01-01</LAUNCH_DATE>')
    (c,) = one(f'{BASE}<SELL_PRICE IS_NET="0">6</SELL_PRICE>')
    assert a.fingerprint == b.fingerprint != c.fingerprint


def test_fingerprint_is_the_hash_earlier_versions_stored():
    # Bindings keep the hash of the last sync: a different formula would make an
    # upgraded shop rewrite every unchanged item once.
    (spec,) = one(
        f'{BASE}<SELL_PRICE IS_NET="-1">5</SELL_PRICE><WEIGHT>0.5</WEIGHT>'
        "<LONG_DESC>&lt;p&gt;Soft&lt;/p&gt;</LONG_DESC>"
        "<BARCODES><BARCODE><BARCODE>501</BARCODE></BARCODE></BARCODES>"
    )
    values = {f.name: getattr(spec, f.name) for f in dataclasses.fields(spec)}
    stored = json.dumps(values, sort_keys=True, default=str)
    assert spec.fingerprint == hashlib.sha256(stored.encode()).hexdigest()


def test_uda_tags_follow_the_rules_and_modes():
    udas = [
        Uda("Author", "TEXT", "Weis"),
        Uda("Author", "TEXT", "Weis"),
        Uda("Signed", "YES/NO", "-1"),
        Uda("Heavy", "YES/NO", "0"),
        Uda("Formats", "LIST", '"A","B"', ("A", "B")),
        Uda("Empty", "LIST", "", ()),
        Uda("ISBN", "NUMBER", "978"),
    ]
    assert tags_from_udas(udas, {}) == (
        "Author: Weis",
        "Signed",
        "Formats: A",
        "Formats: B",
        "ISBN: 978",
    )
    assert "ISBN: 978" not in tags_from_udas(udas, {"ISBN": "attribute"})
    assert tags_from_udas(udas, {"Author": "ignore"})[0] == "Signed"


def test_long_description_loses_scripts_and_event_handlers_only():
    html = (
        '<p onclick="steal()">Hi <b>there</b><a href="javascript:x()">x</a></p><script>1</script>'
    )
    clean = sanitise_html(html)
    assert "<b>there</b>" in clean
    assert "onclick" not in clean and "script" not in clean and "javascript" not in clean
