from __future__ import annotations

from datetime import date, datetime

import pytest

from khaos_sync.protocol.soap.values import ValueFormatError, format_scalar, parse_scalar


@pytest.mark.parametrize("text", ["-1", "true", "True", "1", " true "])
def test_true_booleans(text: str) -> None:
    assert parse_scalar(text, "boolean") is True


@pytest.mark.parametrize("text", ["0", "false", "FALSE"])
def test_false_booleans(text: str) -> None:
    assert parse_scalar(text, "boolean") is False


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-01-05", datetime(2024, 1, 5)),
        ("2024-01-05T10:20:30", datetime(2024, 1, 5, 10, 20, 30)),
        ("2024-01-05 10:20:30", datetime(2024, 1, 5, 10, 20, 30)),
        ("2024-01-05T10:20:30.123", datetime(2024, 1, 5, 10, 20, 30, 123000)),
        ("2024-01-05T10:20:30.000+01:00", datetime(2024, 1, 5, 10, 20, 30)),
        ("2024-01-05T10:20:30Z", datetime(2024, 1, 5, 10, 20, 30)),
        ("1899-12-30T00:00:00", None),
    ],
)
def test_datetimes_are_read_as_local_wall_clock(text: str, expected: datetime | None) -> None:
    assert parse_scalar(text, "dateTime") == expected


def test_blank_means_not_given_except_for_strings() -> None:
    assert parse_scalar(None, "string") == ""
    assert parse_scalar("", "string") == ""
    assert parse_scalar("  ", "string") == "  "
    assert parse_scalar("", "int") is None
    assert parse_scalar(" ", "boolean") is None
    assert parse_scalar("", "base64Binary") == b""


def test_formatting() -> None:
    assert format_scalar(True, "boolean") == "true"
    assert format_scalar(0, "int") == "0"
    assert format_scalar(12.5, "double") == "12.5"
    assert format_scalar(3, "double") == "3"
    assert format_scalar(date(2024, 1, 2), "dateTime") == "2024-01-02T00:00:00.000"
    assert format_scalar(b"\x00\xff", "base64Binary") == "AP8="


def test_text_is_checked_against_the_declared_type() -> None:
    assert format_scalar("-1", "boolean") == "true"
    assert format_scalar("42", "int") == "42"
    assert format_scalar("2024-01-02", "dateTime") == "2024-01-02T00:00:00.000"
    with pytest.raises(ValueFormatError):
        format_scalar("many", "int")


@pytest.mark.parametrize(
    ("value", "xsd_type"), [(True, "int"), ("x", "boolean"), (1, "string"), ("x", "dateTime")]
)
def test_wrong_python_types_are_refused(value: object, xsd_type: str) -> None:
    with pytest.raises(ValueFormatError):
        format_scalar(value, xsd_type)  # type: ignore[arg-type]


def test_bad_wire_text_is_a_value_error() -> None:
    with pytest.raises(ValueFormatError):
        parse_scalar("12a", "int")
    with pytest.raises(ValueFormatError):
        parse_scalar("maybe", "boolean")
    with pytest.raises(ValueFormatError):
        parse_scalar("!!", "base64Binary")


def test_ints_are_32_bit() -> None:
    assert format_scalar(2**31 - 1, "int") == "2147483647"
    with pytest.raises(ValueFormatError):
        format_scalar(2**31, "int")


def test_special_doubles_use_xsd_spelling() -> None:
    assert format_scalar(float("inf"), "double") == "INF"
    assert format_scalar(float("-inf"), "double") == "-INF"
    assert format_scalar(float("nan"), "double") == "NaN"
    assert parse_scalar("INF", "double") == float("inf")
