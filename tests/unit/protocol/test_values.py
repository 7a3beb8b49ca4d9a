"""Khaos value conventions: -1/0 booleans, plain decimals, several date layouts."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal

import pytest

from khaos_sync.protocol.errors import DocumentError
from khaos_sync.protocol.values import (
    Fields,
    parse_bool,
    parse_date,
    parse_date_or_datetime,
    parse_datetime,
    parse_decimal,
    parse_int,
    parse_time,
    split_list_value,
)
from khaos_sync.protocol.xmlsafe import parse_document


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("-1", True),
        ("0", False),
        ("true", True),
        ("False", False),
        (" -1 ", True),
        ("", None),
        (None, None),
    ],
)
def test_bool(text: str | None, expected: bool | None) -> None:
    assert parse_bool(text) is expected


def test_bad_bool_names_the_element_and_value() -> None:
    with pytest.raises(DocumentError, match=r"STOCK_ITEM/WEB: '2' is not a Khaos boolean"):
        parse_bool("2", where="STOCK_ITEM/WEB")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12.99", Decimal("12.99")),
        ("-1", Decimal("-1")),
        (".5", Decimal("0.5")),
        ("0", Decimal(0)),
        (" 3.10 ", Decimal("3.10")),
        ("", None),
        (None, None),
    ],
)
def test_decimal(text: str | None, expected: Decimal | None) -> None:
    assert parse_decimal(text) == expected


@pytest.mark.parametrize("text", ["12,99", "1e5", "NaN", "Infinity", "£3", "1.2.3", "abc"])
def test_bad_decimal_is_refused(text: str) -> None:
    with pytest.raises(DocumentError, match=r"SELL_PRICE: .* is not a decimal"):
        parse_decimal(text, where="SELL_PRICE")


def test_int_accepts_whole_decimals_only() -> None:
    assert parse_int("12") == 12
    assert parse_int("12.00") == 12
    assert parse_int("") is None
    with pytest.raises(DocumentError, match="not a whole number"):
        parse_int("1.5")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2008-12-31", datetime(2008, 12, 31)),
        ("2004-01-21T10:11:22", datetime(2004, 1, 21, 10, 11, 22)),
        ("2004-01-21 10:11:22", datetime(2004, 1, 21, 10, 11, 22)),
        ("2004-01-21 10:11:22.123", datetime(2004, 1, 21, 10, 11, 22, 123000)),
        ("03/01/2009", datetime(2009, 1, 3)),
        ("03/01/2009 17:05", datetime(2009, 1, 3, 17, 5)),
        ("1899-12-30", None),
        ("1899-12-30T00:00:00", None),
        ("30/12/1899", None),
        ("", None),
    ],
)
def test_datetime_layouts(text: str, expected: datetime | None) -> None:
    assert parse_datetime(text) == expected


def test_date_drops_the_time_and_keeps_day_first() -> None:
    assert parse_date("02/11/2018") == date(2018, 11, 2)
    assert parse_date("2011-06-06 10:00:00") == date(2011, 6, 6)


def test_date_or_datetime_keeps_what_was_written() -> None:
    assert type(parse_date_or_datetime("2004-01-20")) is date
    assert parse_date_or_datetime("2004-01-20 00:00:00") == datetime(2004, 1, 20)


@pytest.mark.parametrize(
    "text", ["2009-13-01", "31/02/2009", "01-02-2009", "yesterday", "2009-01-01 25:00"]
)
def test_bad_date_is_refused(text: str) -> None:
    with pytest.raises(DocumentError, match="DATE_CREATED"):
        parse_datetime(text, where="DATE_CREATED")


def test_time() -> None:
    assert parse_time("09:30:00") == time(9, 30)
    assert parse_time("") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('"List Option 2","List Option 3"', ("List Option 2", "List Option 3")),
        ('"A"', ("A",)),
        ('"A, B","C"', ("A, B", "C")),
        ('"say ""hi""","x"', ('say "hi"', "x")),
        ('"A", "B" ', ("A", "B")),
        ("plain", ("plain",)),
        ("", ()),
        (None, ()),
    ],
)
def test_list_values(text: str | None, expected: tuple[str, ...]) -> None:
    assert split_list_value(text) == expected


def test_fields_distinguishes_missing_from_empty() -> None:
    fields = Fields(parse_document("<A><EMPTY/><BLANK>  </BLANK><CODE> x </CODE><N>7</N></A>"))
    assert fields.text("MISSING") is None
    assert fields.text("EMPTY") == ""
    assert fields.text("BLANK") == "  "
    assert fields.code("BLANK") is None
    assert fields.code("CODE") == "x"
    assert fields.as_int("N") == 7
    assert fields.as_decimal("EMPTY") is None


def test_fields_error_names_parent_and_child() -> None:
    fields = Fields(parse_document("<ORDER_ITEM><ORDER_QTY>two</ORDER_QTY></ORDER_ITEM>"))
    with pytest.raises(DocumentError, match=r"ORDER_ITEM/ORDER_QTY: 'two'"):
        fields.as_decimal("ORDER_QTY")


@pytest.mark.parametrize("text", ["yes", "no", "Y", "2", "-2"])
def test_only_khaos_spellings_are_booleans(text: str) -> None:
    with pytest.raises(DocumentError):
        parse_bool(text)
