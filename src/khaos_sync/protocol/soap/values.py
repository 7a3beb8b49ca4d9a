"""Scalar values on the wire: xsd text <-> Python, the way a Delphi server writes them.

Parsing is lenient in what Khaos is known to send (booleans as ``-1``/``0``,
dates with a space instead of ``T``, a time-zone offset or none); formatting is
strict and always produces what a Delphi server accepts.
"""

from __future__ import annotations

import base64
import binascii
import math
from datetime import date, datetime, time
from typing import Any

from khaos_sync.protocol.soap.operations import Scalar

INT_MIN = -(2**31)
INT_MAX = 2**31 - 1

# Delphi's TDateTime zero: Khaos sends it for "no date".
DELPHI_ZERO_DATE = date(1899, 12, 30)

_TRUE = frozenset(("true", "-1", "1"))
_FALSE = frozenset(("false", "0"))


class ValueFormatError(ValueError):
    """A text does not hold a value of the declared xsd type."""


def parse_scalar(text: str | None, xsd_type: Scalar) -> Any:
    """Convert wire text to Python; blank non-string values mean "not given" (None)."""
    if xsd_type == "string":
        return text or ""
    stripped = (text or "").strip()
    if not stripped:
        return b"" if xsd_type == "base64Binary" else None
    try:
        return _PARSERS[xsd_type](stripped)
    except (ValueError, binascii.Error) as exc:
        raise ValueFormatError(f"{stripped[:60]!r} is not a valid xsd:{xsd_type}") from exc


def format_scalar(value: Any, xsd_type: Scalar) -> str:
    """Convert a Python value (or already-formatted text) to wire text."""
    if isinstance(value, str) and xsd_type != "string":
        # Text (e.g. from the command line) is checked by parsing, then re-formatted.
        value = parse_scalar(value, xsd_type)
        if value is None:
            return ""
    try:
        text: str = _FORMATTERS[xsd_type](value)
    except (TypeError, ValueError) as exc:
        raise ValueFormatError(f"{value!r} cannot be sent as xsd:{xsd_type}") from exc
    return text


def parse_boolean(text: str) -> bool:
    lowered = text.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ValueError(f"not a boolean: {text!r}")


def parse_datetime(text: str) -> datetime | None:
    """Parse an xsd:dateTime as naive local (UK) wall-clock time.

    Khaos keeps no time zone; a Delphi server may still append its own UTC
    offset, which says nothing about the shop's clock, so it is dropped.
    """
    value = text.strip().replace(" ", "T", 1)
    if value.endswith("Z"):
        value = value[:-1]
    parsed = datetime.fromisoformat(value).replace(tzinfo=None)
    if parsed.date() == DELPHI_ZERO_DATE:
        return None
    return parsed


def format_datetime(value: datetime | date) -> str:
    if not isinstance(value, datetime):
        value = datetime.combine(value, time())
    # Delphi's TXSDateTime writes milliseconds; Khaos stores time to the millisecond.
    return value.replace(tzinfo=None).isoformat(timespec="milliseconds")


def _format_int(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"expected an int, got {type(value).__name__}")
    # xsd:int is Delphi's 32-bit Integer; a larger value would fail on the server.
    if not INT_MIN <= value <= INT_MAX:
        raise ValueError(f"{value} is outside the 32-bit xsd:int range")
    return str(value)


def _format_boolean(value: Any) -> str:
    if not isinstance(value, bool):
        raise TypeError(f"expected a bool, got {type(value).__name__}")
    return "true" if value else "false"


def _format_double(value: Any) -> str:
    if isinstance(value, bool):
        raise TypeError("expected a number, got bool")
    if isinstance(value, int):
        return str(value)
    number = float(value)
    if math.isnan(number):
        return "NaN"
    if math.isinf(number):
        return "INF" if number > 0 else "-INF"
    return repr(number)


def _format_string(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected a str, got {type(value).__name__}")
    return value


def _format_base64(value: Any) -> str:
    return base64.b64encode(bytes(value)).decode("ascii")


def _format_datetime_value(value: Any) -> str:
    if not isinstance(value, date):
        raise TypeError(f"expected a date or datetime, got {type(value).__name__}")
    return format_datetime(value)


_PARSERS: dict[str, Any] = {
    "int": int,
    "boolean": parse_boolean,
    "double": float,
    "dateTime": parse_datetime,
    "base64Binary": lambda text: base64.b64decode("".join(text.split()), validate=True),
}

_FORMATTERS: dict[str, Any] = {
    "string": _format_string,
    "int": _format_int,
    "boolean": _format_boolean,
    "double": _format_double,
    "dateTime": _format_datetime_value,
    "base64Binary": _format_base64,
}
