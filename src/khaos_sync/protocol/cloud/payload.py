"""Reading and writing KCC payloads in either of their two formats.

Khaos Control Cloud sends and expects the same objects as JSON or as XML
(each endpoint names its ``Format``). Readers are written once against
:class:`Node`, a read-only view of one object that hides the format: JSON
objects and arrays, or XML elements where a list is a container element and
a ``DataItem`` carries ``ID=``/``Code=``/``Name=`` attributes. Writers build a
plain value tree (dicts, :class:`Seq`, :class:`DataItem`, :class:`Price` …)
that :func:`dump` turns into either format.

XML is parsed only through :mod:`khaos_sync.protocol.xmlsafe`; JSON is read
with a size limit, exact decimals and no NaN/Infinity.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any, Final

from lxml import etree

from khaos_sync.protocol.errors import DocumentError, UnsafeDocumentError
from khaos_sync.protocol.values import parse_datetime, parse_decimal
from khaos_sync.protocol.xmlsafe import parse_document

DEFAULT_MAX_BYTES: Final = 16 * 1024 * 1024
API_VERSION: Final = 1000
_TRUE: Final = frozenset({"true", "1", "-1", "yes"})
_FALSE: Final = frozenset({"false", "0", "no"})


class Format(StrEnum):
    JSON = "JSON"
    XML = "XML"

    @classmethod
    def named(cls, text: str) -> Format:
        try:
            return cls(text.strip().upper())
        except ValueError:
            raise DocumentError(f"format {text!r} is neither JSON nor XML") from None

    @property
    def content_type(self) -> str:
        return "application/json" if self is Format.JSON else "application/xml"


# --- the value tree writers build ---------------------------------------------------


@dataclass(frozen=True, slots=True)
class DataItem:
    """A KCC reference: ``{"ID": "5"}`` in JSON, ``<X ID="5"/>`` in XML."""

    id: str | None = None
    code: str | None = None
    name: str | None = None

    def __bool__(self) -> bool:
        return any(value is not None for value in (self.id, self.code, self.name))


@dataclass(frozen=True, slots=True)
class Price:
    """``{"Net": 1.0}`` or ``{"Gross": 1.2}``: exactly one of the two is sent."""

    amount: Decimal
    net: bool


@dataclass(frozen=True, slots=True)
class Described:
    """Text with a ``Source``: ``{"Source": "Explicit", "Parameter": …}`` / attribute + text."""

    text: str
    source: str = "Explicit"


@dataclass(frozen=True, slots=True)
class Seq:
    """A list; ``tag`` names each entry's element in XML."""

    tag: str
    items: Sequence[Any]


@dataclass(frozen=True, slots=True)
class Repeated:
    """A list written in XML as the key repeated (``<MatchAddressOn>`` twice)."""

    items: Sequence[str]


Tree = Mapping[str, Any]


# --- reading --------------------------------------------------------------------------


def load(data: bytes | str, fmt: Format, root: str, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Node:
    """The document's top object. ``root`` is the XML root element expected."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if len(raw) > max_bytes:
        raise UnsafeDocumentError(
            f"payload is {len(raw)} bytes, larger than the {max_bytes} bytes allowed"
        )
    if fmt is Format.JSON:
        return _JsonNode(_load_json(raw), "")
    element = parse_document(raw, max_bytes=max_bytes)
    if _local(element.tag) != root:
        raise DocumentError(f"expected an XML document with root <{root}>, got <{element.tag}>")
    return _XmlNode(element, root)


def _load_json(raw: bytes) -> dict[str, Any]:
    try:
        value = json.loads(
            raw.decode("utf-8-sig"), parse_float=Decimal, parse_constant=_no_constant
        )
    except UnicodeDecodeError as exc:
        raise DocumentError(f"payload is not UTF-8 text: {exc}") from exc
    except json.JSONDecodeError as exc:
        raise DocumentError(f"payload is not valid JSON: {exc}") from exc
    except RecursionError:
        raise DocumentError("payload is not valid JSON: nested too deeply") from None
    if not isinstance(value, dict):
        raise DocumentError(f"payload is JSON {type(value).__name__}, not an object")
    return value


def _no_constant(name: str) -> Any:
    raise DocumentError(f"payload is not valid JSON: {name} is not a number KCC sends")


def _local(tag: object) -> str:
    text = str(tag)
    return text.rsplit("}", 1)[-1]


class Node:
    """One object of a payload, whatever its format. ``where`` names it in errors."""

    where: str

    def has(self, key: str) -> bool:
        raise NotImplementedError

    def text(self, key: str) -> str | None:
        """A scalar as text (trimmed); None when absent or empty."""
        raise NotImplementedError

    def node(self, key: str) -> Node | None:
        raise NotImplementedError

    def nodes(self, key: str) -> list[Node]:
        """The entries of a list (a single object counts as a list of one)."""
        raise NotImplementedError

    def texts(self, key: str) -> list[str]:
        """A list of strings: a JSON array, XML entries of a container or the key repeated."""
        raise NotImplementedError

    def data_item(self, key: str) -> DataItem | None:
        raise NotImplementedError

    def described(self, key: str) -> str | None:
        raise NotImplementedError

    # Typed scalars, shared by both formats.

    def path(self, key: str) -> str:
        return f"{self.where}.{key}" if self.where else key

    def as_decimal(self, key: str) -> Decimal | None:
        return parse_decimal(self.text(key), where=self.path(key))

    def as_int(self, key: str) -> int | None:
        number = self.as_decimal(key)
        if number is None:
            return None
        if number != number.to_integral_value():
            raise DocumentError(f"{self.path(key)}: {number} is not a whole number")
        return int(number)

    def as_bool(self, key: str) -> bool | None:
        value = self.text(key)
        if value is None:
            return None
        folded = value.lower()
        if folded in _TRUE:
            return True
        if folded in _FALSE:
            return False
        raise DocumentError(f"{self.path(key)}: {value!r} is not true or false")

    def as_datetime(self, key: str) -> datetime | None:
        moment = parse_datetime(self.text(key), where=self.path(key))
        if moment is not None and moment.tzinfo is not None:  # pragma: no cover - parser is naive
            raise DocumentError(f"{self.path(key)}: KCC dates carry no time zone")
        return moment

    def price(self, key: str) -> Price | None:
        node = self.node(key)
        if node is None:
            return None
        gross = node.as_decimal("Gross")
        if gross is not None:
            return Price(gross, net=False)
        net = node.as_decimal("Net")
        return None if net is None else Price(net, net=True)

    def required(self, key: str) -> str:
        value = self.text(key)
        if value is None:
            raise DocumentError(f"{self.path(key)} is missing")
        return value


class _JsonNode(Node):
    def __init__(self, value: Mapping[str, Any], where: str) -> None:
        self.value = value
        self.where = where

    def has(self, key: str) -> bool:
        return key in self.value

    def text(self, key: str) -> str | None:
        value = self.value.get(key)
        if value is None:
            return None
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, Decimal):
            # 1E-05 is valid JSON; the value readers take plain decimals.
            return format(value, "f") if value.is_finite() else str(value)
        if isinstance(value, str | int):
            text = str(value).strip()
            return text or None
        raise DocumentError(f"{self.path(key)}: expected a value, got a JSON {_kind(value)}")

    def node(self, key: str) -> Node | None:
        value = self.value.get(key)
        if value is None:
            return None
        if not isinstance(value, dict):
            raise DocumentError(f"{self.path(key)}: expected an object, got a JSON {_kind(value)}")
        return _JsonNode(value, self.path(key))

    def nodes(self, key: str) -> list[Node]:
        value = self.value.get(key)
        if value is None:
            return []
        entries = value if isinstance(value, list) else [value]
        result: list[Node] = []
        for index, entry in enumerate(entries):
            where = f"{self.path(key)}[{index}]"
            if not isinstance(entry, dict):
                raise DocumentError(f"{where}: expected an object, got a JSON {_kind(entry)}")
            result.append(_JsonNode(entry, where))
        return result

    def texts(self, key: str) -> list[str]:
        value = self.value.get(key)
        if value is None:
            return []
        entries = value if isinstance(value, list) else [value]
        result = []
        for index, entry in enumerate(entries):
            if isinstance(entry, bool) or not isinstance(entry, str | int | Decimal):
                raise DocumentError(
                    f"{self.path(key)}[{index}]: expected a value, got a JSON {_kind(entry)}"
                )
            if str(entry).strip():
                result.append(str(entry).strip())
        return result

    def data_item(self, key: str) -> DataItem | None:
        node = self.node(key)
        if node is None:
            return None
        item = DataItem(node.text("ID"), node.text("Code"), node.text("Name"))
        return item or None

    def described(self, key: str) -> str | None:
        value = self.value.get(key)
        if isinstance(value, dict):
            node = _JsonNode(value, self.path(key))
            return node.text("Parameter")
        return self.text(key)


def _kind(value: object) -> str:
    if isinstance(value, dict):
        return "object"
    if isinstance(value, list):
        return "array"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, str):
        return "string"
    return "number"


class _XmlNode(Node):
    def __init__(self, element: etree._Element, where: str) -> None:
        self.element = element
        self.where = where

    def _child(self, key: str) -> etree._Element | None:
        for child in self.element:
            if isinstance(child.tag, str) and _local(child.tag) == key:
                return child
        return None

    def has(self, key: str) -> bool:
        return self._child(key) is not None

    def text(self, key: str) -> str | None:
        child = self._child(key)
        if child is None:
            return None
        if len(child):
            raise DocumentError(f"{self.path(key)}: expected a value, got nested elements")
        return (child.text or "").strip() or None

    def node(self, key: str) -> Node | None:
        child = self._child(key)
        return None if child is None else _XmlNode(child, self.path(key))

    def nodes(self, key: str) -> list[Node]:
        child = self._child(key)
        if child is None:
            return []
        entries = [e for e in child if isinstance(e, etree._Element) and isinstance(e.tag, str)]
        return [
            _XmlNode(entry, f"{self.path(key)}[{index}]") for index, entry in enumerate(entries)
        ]

    def texts(self, key: str) -> list[str]:
        same = [c for c in self.element if isinstance(c.tag, str) and _local(c.tag) == key]
        if len(same) == 1 and len(same[0]):
            same = [c for c in same[0] if isinstance(c.tag, str)]
        return [text for c in same if (text := (c.text or "").strip())]

    def data_item(self, key: str) -> DataItem | None:
        child = self._child(key)
        if child is None:
            return None
        item = DataItem(
            _attr(child, "ID"),
            _attr(child, "Code"),
            _attr(child, "Name") or (child.text or "").strip() or None,
        )
        return item or None

    def described(self, key: str) -> str | None:
        child = self._child(key)
        if child is None:
            return None
        parameter = _XmlNode(child, self.path(key)).text("Parameter") if len(child) else None
        return parameter or " ".join((child.text or "").split()) or None


def _attr(element: etree._Element, name: str) -> str | None:
    value = element.get(name)
    return None if value is None else (str(value).strip() or None)


# --- writing --------------------------------------------------------------------------


def dump(tree: Tree, fmt: Format, root: str) -> bytes:
    """The value tree as a JSON or XML document (UTF-8 bytes). None values are left out."""
    if fmt is Format.JSON:
        return json.dumps(_json_value(tree), ensure_ascii=False, indent=1).encode("utf-8")
    element = etree.Element(root)
    _xml_fill(element, tree)
    return etree.tostring(element, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _json_value(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _json_value(v) for k, v in value.items() if v is not None}
    if isinstance(value, Seq):
        return [_json_value(v) for v in value.items]
    if isinstance(value, Repeated):
        return list(value.items)
    if isinstance(value, DataItem):
        return {
            k: v for k, v in (("ID", value.id), ("Code", value.code), ("Name", value.name)) if v
        }
    if isinstance(value, Price):
        return {"Net" if value.net else "Gross": _json_value(value.amount)}
    if isinstance(value, Described):
        return {"Source": value.source, "Parameter": value.text}
    if isinstance(value, Decimal):
        # JSON numbers: a float prints the shortest text that reads back equal.
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, datetime):
        return _datetime_text(value)
    if isinstance(value, list | tuple):
        return [_json_value(v) for v in value]
    return value


def _xml_fill(parent: etree._Element, tree: Tree) -> None:
    for key, value in tree.items():
        if value is None:
            continue
        if isinstance(value, Repeated):
            for text in value.items:
                etree.SubElement(parent, key).text = _xml_text(key, text)
            continue
        _xml_value(etree.SubElement(parent, key), value)


def _xml_value(element: etree._Element, value: Any) -> None:
    tag = str(element.tag)
    if isinstance(value, Mapping):
        _xml_fill(element, value)
    elif isinstance(value, Seq):
        for entry in value.items:
            _xml_value(etree.SubElement(element, value.tag), entry)
    elif isinstance(value, DataItem):
        for name, attr in (("ID", value.id), ("Code", value.code)):
            if attr:
                element.set(name, _xml_text(f"{tag}/@{name}", attr))
        if value.name:
            element.text = _xml_text(tag, value.name)
    elif isinstance(value, Price):
        etree.SubElement(element, "Net" if value.net else "Gross").text = _scalar(value.amount)
    elif isinstance(value, Described):
        element.set("Source", value.source)
        element.text = _xml_text(tag, value.text)
    else:
        element.text = _xml_text(tag, _scalar(value))


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise DocumentError(f"{value} is not a finite amount")
        return format(value, "f")
    if isinstance(value, datetime):
        return _datetime_text(value)
    return str(value)


def _datetime_text(value: datetime) -> str:
    if value.tzinfo is not None:
        raise DocumentError("KCC dates carry no time zone; pass Khaos local time")
    return value.replace(microsecond=0).isoformat()


def _xml_text(where: str, text: str) -> str:
    for char in text:
        code = ord(char)
        if not (
            code in (0x9, 0xA, 0xD)
            or 0x20 <= code <= 0xD7FF
            or 0xE000 <= code <= 0xFFFD
            or 0x10000 <= code <= 0x10FFFF
        ):
            raise DocumentError(f"{where}: U+{code:04X} cannot be carried in XML: {text!r}")
    return text


def compact(tree: Mapping[str, Any]) -> dict[str, Any]:
    """The tree without None values and empty DataItems (KCC wants no nulls)."""
    return {
        key: value
        for key, value in tree.items()
        if value is not None and not (isinstance(value, DataItem) and not value)
    }
