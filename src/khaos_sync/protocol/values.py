"""Reading typed values out of KSDXML elements.

Khaos writes booleans as ``-1``/``0``, leaves optional values blank, and uses
several date layouts (including the Delphi "null date" 1899-12-30). These
converters turn the text into Python values, return None for "not given", and
raise a DocumentError naming the element and the offending value otherwise.
Money is always Decimal, never float.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Final

from lxml import etree

from khaos_sync.protocol.errors import DocumentError

_TRUE: Final = frozenset({"-1", "1", "true"})
_FALSE: Final = frozenset({"0", "false"})
_PLAIN_DECIMAL = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")

# Delphi's TDateTime zero: Khaos writes it for "no date".
DELPHI_NULL_DATE: Final = date(1899, 12, 30)

_DATE_FORMATS: Final = ("%Y-%m-%d", "%d/%m/%Y")
_TIME_FORMATS: Final = ("%H:%M:%S.%f", "%H:%M:%S", "%H:%M")

# The quick readers below take the exact shapes Khaos writes (``-1``,
# ``12.99``, ``2024-03-01T09:00:00``) and give the same value the full
# parsers give; for anything else (blanks, signs, other layouts, bad text)
# they raise _Unusual and the full parser decides, with its own message. So a
# value or an error never depends on which of the two read it, and the
# ``where`` of a message is only put together when it is needed.
_BOOLS: Final[dict[str | None, bool | None]] = {
    None: None,
    "": None,
    "-1": True,
    "0": False,
    "1": True,
    "true": True,
    "false": False,
}
_ASCII_DECIMAL = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")
# Short enough that int() takes it whatever the interpreter's digit limit.
_ASCII_INT = re.compile(r"-?[0-9]{1,18}")
_ISO_MOMENT = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})"
    r"(?:[T ]([0-9]{2}):([0-9]{2})(?::([0-9]{2})(?:\.([0-9]{1,6}))?)?)?"
)
_CLOCK = re.compile(r"([0-9]{2}):([0-9]{2})(?::([0-9]{2})(?:\.([0-9]{1,6}))?)?")

# Values read before, by their exact text: a feed repeats prices, flags,
# counts and dates many times over. Decimal, int, datetime and time are
# immutable, so sharing them is safe; each memo stops growing at its limit.
_MEMO_LIMIT: Final = 4096
_DECIMALS: dict[str, Decimal] = {}
_INTS: dict[str, int] = {}
_MOMENTS: dict[str, datetime | None] = {}
_CLOCKS: dict[str, time] = {}


class _Unusual(Exception):
    """Text that a quick reader leaves to the full parser."""


def parse_bool(text: str | None, *, where: str = "value") -> bool | None:
    """``-1``/``0`` (also true/false); blank means not given."""
    try:
        return _quick_bool(text)
    except _Unusual:
        pass
    return _parse_bool(text, where)


def parse_decimal(text: str | None, *, where: str = "value") -> Decimal | None:
    """A plain decimal such as ``12.99``; blank means not given."""
    try:
        return _quick_decimal(text)
    except _Unusual:
        pass
    return _parse_decimal(text, where)


def parse_int(text: str | None, *, where: str = "value") -> int | None:
    """A whole number; ``12.00`` is accepted because Khaos writes counts that way."""
    try:
        return _quick_int(text)
    except _Unusual:
        pass
    return _parse_int(text, where)


def parse_datetime(text: str | None, *, where: str = "value") -> datetime | None:
    """A date with optional time in any layout Khaos uses; the null date is None.

    Accepted: ``YYYY-MM-DD``, ``DD/MM/YYYY``, each optionally followed by
    ``T`` or a space and ``HH:MM[:SS[.fff]]``. A date alone means midnight.
    Khaos has no time zones, so the result is naive (shop local time).
    """
    try:
        return _quick_datetime(text)
    except _Unusual:
        pass
    return _parse_datetime(text, where)


def parse_date(text: str | None, *, where: str = "value") -> date | None:
    """Like :func:`parse_datetime` but keeps only the date."""
    moment = parse_datetime(text, where=where)
    return None if moment is None else moment.date()


def parse_date_or_datetime(text: str | None, *, where: str = "value") -> date | None:
    """A ``date`` when the text carries no time, else a ``datetime``.

    Used where Khaos accepts either form, so a value read back is exactly the
    one that was written.
    """
    moment = parse_datetime(text, where=where)
    if moment is None or text is None:
        return None
    has_time = any(separator in text.strip() for separator in ("T", " "))
    return moment if has_time else moment.date()


def parse_time(text: str | None, *, where: str = "value") -> time | None:
    try:
        return _quick_time(text)
    except _Unusual:
        pass
    return _parse_clock(text, where)


def split_list_value(text: str | None) -> tuple[str, ...]:
    """Split a LIST UDA value such as ``"A","B"`` into ``("A", "B")``.

    Values are double-quoted and comma-separated; a doubled quote inside a
    value stands for one quote. An unquoted value is taken as a single entry.
    """
    value = _blank_to_none(text)
    if value is None:
        return ()
    if not value.startswith('"'):
        return tuple(part.strip() for part in value.split(",") if part.strip())
    return tuple(entry for entry in _quoted_entries(value) if entry)


def _quoted_entries(value: str) -> list[str]:
    entries: list[str] = []
    current: list[str] = []
    quoted = False
    index = 0
    while index < len(value):
        char = value[index]
        if char == '"' and quoted and value[index + 1 : index + 2] == '"':
            current.append('"')
            index += 1
        elif char == '"':
            quoted = not quoted
        elif char == "," and not quoted:
            entries.append("".join(current).strip())
            current = []
        else:
            current.append(char)
        index += 1
    entries.append("".join(current).strip())
    return entries


def _blank_to_none(text: str | None) -> str | None:
    if text is None:
        return None
    stripped = text.strip()
    return stripped or None


# --- the quick readers: same values, or _Unusual ---


def _quick_bool(text: str | None) -> bool | None:
    if text in _BOOLS:
        return _BOOLS[text]
    raise _Unusual


def _quick_decimal(text: str | None) -> Decimal | None:
    if not text:
        return None
    number = _DECIMALS.get(text)
    if number is None:
        if _ASCII_DECIMAL.fullmatch(text) is None:
            raise _Unusual
        number = Decimal(text)
        if len(_DECIMALS) < _MEMO_LIMIT:
            _DECIMALS[text] = number
    return number


def _quick_int(text: str | None) -> int | None:
    if not text:
        return None
    number = _INTS.get(text)
    if number is None:
        if _ASCII_INT.fullmatch(text) is None:
            raise _Unusual
        number = int(text)
        if len(_INTS) < _MEMO_LIMIT:
            _INTS[text] = number
    return number


def _quick_datetime(text: str | None) -> datetime | None:
    if not text:
        return None
    if text in _MOMENTS:
        return _MOMENTS[text]
    match = _ISO_MOMENT.fullmatch(text)
    if match is None:
        raise _Unusual
    year, month, day, hour, minute, second, fraction = match.groups()
    try:
        moment = datetime(
            int(year),
            int(month),
            int(day),
            int(hour or 0),
            int(minute or 0),
            int(second or 0),
            int((fraction or "0").ljust(6, "0")),
        )
    except ValueError:
        raise _Unusual from None
    result = None if moment.date() == DELPHI_NULL_DATE else moment
    if len(_MOMENTS) < _MEMO_LIMIT:
        _MOMENTS[text] = result
    return result


def _quick_time(text: str | None) -> time | None:
    if not text:
        return None
    moment = _CLOCKS.get(text)
    if moment is None:
        match = _CLOCK.fullmatch(text)
        if match is None:
            raise _Unusual
        hour, minute, second, fraction = match.groups()
        try:
            moment = time(
                int(hour), int(minute), int(second or 0), int((fraction or "0").ljust(6, "0"))
            )
        except ValueError:
            raise _Unusual from None
        if len(_CLOCKS) < _MEMO_LIMIT:
            _CLOCKS[text] = moment
    return moment


# --- the full parsers: every layout, and the messages ---


def _parse_bool(text: str | None, where: str) -> bool | None:
    value = _blank_to_none(text)
    if value is None:
        return None
    folded = value.lower()
    if folded in _TRUE:
        return True
    if folded in _FALSE:
        return False
    raise DocumentError(f"{where}: {text!r} is not a Khaos boolean (-1 or 0)")


def _parse_decimal(text: str | None, where: str) -> Decimal | None:
    value = _blank_to_none(text)
    if value is None:
        return None
    if not _PLAIN_DECIMAL.fullmatch(value):
        raise DocumentError(f"{where}: {text!r} is not a decimal number")
    try:
        return Decimal(value)
    except InvalidOperation as exc:  # pragma: no cover - the pattern rules it out
        raise DocumentError(f"{where}: {text!r} is not a decimal number") from exc


def _parse_int(text: str | None, where: str) -> int | None:
    number = _parse_decimal(text, where)
    if number is None:
        return None
    if number != number.to_integral_value():
        raise DocumentError(f"{where}: {text!r} is not a whole number")
    return int(number)


def _parse_datetime(text: str | None, where: str) -> datetime | None:
    value = _blank_to_none(text)
    if value is None:
        return None
    day_part, _, time_part = value.replace("T", " ", 1).partition(" ")
    day = _parse_day(day_part, text, where)
    moment = _parse_time(time_part.strip(), text, where) if time_part.strip() else time()
    if day == DELPHI_NULL_DATE:
        return None
    return datetime.combine(day, moment)


def _parse_clock(text: str | None, where: str) -> time | None:
    value = _blank_to_none(text)
    if value is None:
        return None
    return _parse_time(value, text, where)


def _parse_day(value: str, original: str | None, where: str) -> date:
    for layout in _DATE_FORMATS:
        try:
            return datetime.strptime(value, layout).date()
        except ValueError:
            continue
    raise DocumentError(f"{where}: {original!r} is not a date Khaos writes")


def _parse_time(value: str, original: str | None, where: str) -> time:
    for layout in _TIME_FORMATS:
        try:
            return datetime.strptime(value, layout).time()
        except ValueError:
            continue
    raise DocumentError(f"{where}: {original!r} is not a time Khaos writes")


class Fields:
    """Typed access to the child elements and attributes of one element.

    Children are indexed once, so reading the forty-odd fields of a stock item
    does not rescan it forty times. A missing child reads as None; text
    getters return ``""`` for a child that is present but empty (a cleared
    description is not the same as one that was not exported).
    """

    __slots__ = ("_first", "element")

    def __init__(self, element: etree._Element) -> None:
        self.element = element
        # Reversed so that the first of several same-named children wins.
        self._first: dict[object, etree._Element] = {
            child.tag: child for child in reversed(element)
        }

    @property
    def tag(self) -> str:
        return str(self.element.tag)

    def has(self, tag: str) -> bool:
        return tag in self._first

    def child(self, tag: str) -> etree._Element | None:
        return self._first.get(tag)

    def children(self, tag: str) -> list[etree._Element]:
        if tag not in self._first:
            return []
        return list(self.element.iterchildren(tag))

    def nested(self, tag: str) -> Fields | None:
        element = self.child(tag)
        return None if element is None else Fields(element)

    def text(self, tag: str) -> str | None:
        """Raw text of a child: None if missing, ``""`` if empty."""
        element = self._first.get(tag)
        if element is None:
            return None
        return element.text or ""

    def code(self, tag: str) -> str | None:
        """Stripped text of a child; None if missing or blank."""
        element = self._first.get(tag)
        if element is None:
            return None
        text = element.text
        return text.strip() or None if text else None

    def as_bool(self, tag: str) -> bool | None:
        element = self._first.get(tag)
        if element is None:
            return None
        try:
            return _quick_bool(element.text)
        except _Unusual:
            pass
        return _parse_bool(element.text, self._where(tag))

    def as_decimal(self, tag: str) -> Decimal | None:
        element = self._first.get(tag)
        if element is None:
            return None
        try:
            return _quick_decimal(element.text)
        except _Unusual:
            pass
        return _parse_decimal(element.text, self._where(tag))

    def as_int(self, tag: str) -> int | None:
        element = self._first.get(tag)
        if element is None:
            return None
        try:
            return _quick_int(element.text)
        except _Unusual:
            pass
        return _parse_int(element.text, self._where(tag))

    def as_date(self, tag: str) -> date | None:
        moment = self.as_datetime(tag)
        return None if moment is None else moment.date()

    def as_datetime(self, tag: str) -> datetime | None:
        element = self._first.get(tag)
        if element is None:
            return None
        try:
            return _quick_datetime(element.text)
        except _Unusual:
            pass
        return _parse_datetime(element.text, self._where(tag))

    def as_date_or_datetime(self, tag: str) -> date | None:
        return parse_date_or_datetime(self.text(tag), where=self._where(tag))

    def attr(self, name: str) -> str | None:
        """Raw attribute value: None if absent."""
        value = self.element.get(name)
        return None if value is None else str(value)

    def attr_code(self, name: str) -> str | None:
        return element_attr_code(self.element, name)

    def attr_bool(self, name: str) -> bool | None:
        return element_attr_bool(self.element, name)

    def attr_decimal(self, name: str) -> Decimal | None:
        return element_attr_decimal(self.element, name)

    def attr_int(self, name: str) -> int | None:
        return element_attr_int(self.element, name)

    def attr_date(self, name: str) -> date | None:
        return parse_date(self.attr(name), where=self._where(f"@{name}"))

    def own_text(self) -> str:
        return self.element.text or ""

    def own_code(self) -> str | None:
        return _blank_to_none(self.element.text)

    def _where(self, tag: str) -> str:
        return f"{self.element.tag}/{tag}"


def element_text(element: etree._Element) -> str:
    return element.text or ""


def element_code(element: etree._Element) -> str | None:
    return _blank_to_none(element.text)


def element_attr_code(element: etree._Element, name: str) -> str | None:
    """An attribute's stripped value; None if absent or blank."""
    value = element.get(name)
    return value.strip() or None if value else None


def element_attr_bool(element: etree._Element, name: str) -> bool | None:
    """An attribute read as :func:`parse_bool`; a message names ``TAG/@NAME``."""
    value = element.get(name)
    try:
        return _quick_bool(value)
    except _Unusual:
        pass
    return _parse_bool(value, f"{element.tag}/@{name}")


def element_attr_decimal(element: etree._Element, name: str) -> Decimal | None:
    value = element.get(name)
    try:
        return _quick_decimal(value)
    except _Unusual:
        pass
    return _parse_decimal(value, f"{element.tag}/@{name}")


def element_attr_int(element: etree._Element, name: str) -> int | None:
    value = element.get(name)
    try:
        return _quick_int(value)
    except _Unusual:
        pass
    return _parse_int(value, f"{element.tag}/@{name}")


def expect_root(root: etree._Element, *tags: str) -> None:
    """Refuse a document whose root element is not one of ``tags``."""
    if root.tag not in tags:
        expected = " or ".join(f"<{tag}>" for tag in tags)
        raise DocumentError(f"expected a document with root {expected}, got <{root.tag}>")
