"""A string-valued SOAP answer, unwrapped while it arrives.

Khaos's export methods answer with one ``xsd:string`` holding a whole KSDXML
document, escaped. Decoding the envelope into a tree and then the string into
a second one costs several times the answer's size; :class:`StringAnswer`
instead hands out the string's bytes (UTF-8, unescaped) as each network chunk
arrives, so the document parser can consume them at once.

The framing (prolog, Envelope, Body, the response and its ``return``) and the
closing tags go through the project's safe lxml parser; only the character data
of ``return`` is unescaped here, by plain byte replacement, because a parser
target would be called once per entity (millions of times per answer). Anything
the fast path does not expect (a Fault, a multi-reference or nil string, an
envelope not in UTF-8) is kept whole and decoded by
:func:`~khaos_sync.protocol.soap.envelope.decode_response`, which knows them all.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from enum import Enum, auto
from typing import Any, Final

from lxml import etree

from khaos_sync.protocol.errors import ProtocolError
from khaos_sync.protocol.soap.envelope import SOAP_ENV, XSI, decode_response
from khaos_sync.protocol.soap.operations import get_operation
from khaos_sync.protocol.xmlsafe import check_prolog_head, feed_parser

_CDATA_OPEN: Final = b"<![CDATA["
_CDATA_CLOSE: Final = b"]]>"
_LONGEST_ENTITY: Final = len(b"&#x10FFFF;")
_ENTITY = re.compile(rb"&(lt|gt|amp|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);")
_NAMED = {b"lt": b"<", b"gt": b">", b"amp": b"&", b"quot": b'"', b"apos": b"'"}
_UTF8_DECLARATION = re.compile(rb"\A(\xef\xbb\xbf)?\s*<\?xml\s[^>]*\?>")
_ENCODING = re.compile(rb"encoding\s*=\s*[\"']([A-Za-z0-9._-]+)[\"']")


class KeptText:
    """The first ``limit`` bytes of a streamed string, kept while it passes through.

    A streamed answer is never held whole, so when its document cannot be read
    this is what a failed item keeps as its payload: all of it for the answer
    about one item, the start of it for a huge one.
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.data = bytearray()
        self.total = 0
        self.ended = False  # the whole string went through

    def through(self, pieces: Iterable[bytes]) -> Iterator[bytes]:
        for piece in pieces:
            self.total += len(piece)
            room = self.limit - len(self.data)
            if room > 0:
                self.data += piece[:room]
            yield piece
        self.ended = True

    def text(self) -> str:
        text = self.data.decode("utf-8", errors="replace")
        if not self.ended:
            text += f"\n[reading stopped here, after {self.total} bytes]"
        elif self.total > len(self.data):
            text += f"\n[cut here: the answer was {self.total} bytes]"
        return text


class _Mode(Enum):
    PROLOG = auto()  # waiting for the root element, prolog checked
    FRAMING = auto()  # Envelope, Body, response, up to the start of return
    TEXT = auto()  # the character data of return
    CDATA = auto()  # inside a CDATA section of return
    TAIL = auto()  # closing tags, parsed again
    KEPT = auto()  # something unusual: keep everything, decode at the end


class _Events:
    """Parser target that only records; the reader decides between feeds."""

    def __init__(self) -> None:
        self.events: list[tuple[str, str, dict[str, str]]] = []

    def start(self, tag: str, attrib: dict[str, str], nsmap: Any = None) -> None:
        self.events.append(("start", tag, dict(attrib)))

    def end(self, tag: str) -> None:
        self.events.append(("end", tag, {}))

    def data(self, text: str) -> None:
        return None

    def close(self) -> None:
        return None

    def take(self) -> list[tuple[str, str, dict[str, str]]]:
        taken, self.events = self.events, []
        return taken


class StringAnswer:
    """Push reader for the answer of an operation whose result is one string.

    ``feed(chunk)`` returns the pieces of the string that ``chunk`` completed;
    ``finish()`` returns the rest and raises SoapFault or ProtocolError.
    """

    def __init__(self, operation: str) -> None:
        self.definition = get_operation(operation)
        self._mode = _Mode.PROLOG
        self._kept = bytearray()  # the bytes so far, until the string has begun
        self._carry = b""
        self._events = _Events()
        self._parser = feed_parser(self._events)
        self._depth = 0

    def feed(self, chunk: bytes) -> list[bytes]:
        if self._mode in (_Mode.PROLOG, _Mode.FRAMING, _Mode.KEPT):
            self._kept += chunk
        if self._mode == _Mode.PROLOG:
            return self._start()
        if self._mode == _Mode.FRAMING:
            return self._frame(chunk)
        if self._mode in (_Mode.TEXT, _Mode.CDATA):
            return self._text(chunk)
        if self._mode == _Mode.TAIL:
            self._tail(chunk)
        return []

    def finish(self) -> list[bytes]:
        if self._mode in (_Mode.PROLOG, _Mode.FRAMING, _Mode.KEPT):
            return [self._decode_kept()]
        if self._mode != _Mode.TAIL or self._carry:
            raise ProtocolError(f"{self.definition.name}: the answer ended inside its string")
        try:
            self._parser.close()
        except etree.XMLSyntaxError as exc:
            raise ProtocolError(f"SOAP envelope unreadable: {exc}") from exc
        return []

    # --- the framing ---

    def _start(self) -> list[bytes]:
        head = bytes(self._kept)
        if not check_prolog_head(head, complete=False):
            return []
        if not _is_utf8(head):
            self._mode = _Mode.KEPT
            return []
        self._mode = _Mode.FRAMING
        return self._frame(head)

    def _frame(self, chunk: bytes) -> list[bytes]:
        """Feed tag by tag until ``return`` opens; the string starts right after."""
        position = 0
        while self._mode == _Mode.FRAMING:
            close = chunk.find(b">", position)
            if close < 0:
                self._parse(chunk[position:])
                return []
            self._parse(chunk[position : close + 1])
            position = close + 1
            self._follow(self._events.take())
        if self._mode == _Mode.TEXT:
            return self._text(chunk[position:])
        return []

    def _follow(self, events: list[tuple[str, str, dict[str, str]]]) -> None:
        for kind, tag, attrib in events:
            if kind == "end":
                self._depth -= 1
                self._mode = _Mode.KEPT  # an empty or unexpected shape
                return
            self._depth += 1
            if not self._expected(tag, attrib):
                self._mode = _Mode.KEPT
                return
            if self._depth == 4:
                self._mode = _Mode.TEXT
                self._kept = bytearray()

    def _expected(self, tag: str, attrib: dict[str, str]) -> bool:
        name = etree.QName(tag).localname
        if self._depth == 1:
            return tag == f"{{{SOAP_ENV}}}Envelope"
        if self._depth == 2:
            return tag == f"{{{SOAP_ENV}}}Body"  # a Header goes the slow way
        if self._depth == 3:
            return name == self.definition.response_name
        nil = attrib.get(f"{{{XSI}}}nil") in ("true", "1")
        return name == "return" and "href" not in attrib and not nil

    def _parse(self, data: bytes) -> None:
        try:
            self._parser.feed(data)
        except etree.XMLSyntaxError as exc:
            raise ProtocolError(f"SOAP envelope unreadable: {exc}") from exc

    # --- the string ---

    def _text(self, chunk: bytes) -> list[bytes]:
        data, self._carry = self._carry + chunk, b""
        pieces: list[bytes] = []
        while data and self._mode in (_Mode.TEXT, _Mode.CDATA):
            data = (
                self._cdata(data, pieces)
                if self._mode == _Mode.CDATA
                else self._chars(data, pieces)
            )
        if data and self._mode == _Mode.TAIL:
            self._tail(data)
        return [piece for piece in pieces if piece]

    def _cdata(self, data: bytes, pieces: list[bytes]) -> bytes:
        end = data.find(_CDATA_CLOSE)
        if end < 0:
            keep = len(_CDATA_CLOSE) - 1  # the end marker may be split
            body, self._carry = _hold_back(data[:-keep]), data[-keep:]
            self._carry = body[1] + self._carry
            pieces.append(_line_ends(body[0]))
            return b""
        pieces.append(_line_ends(data[:end]))
        self._mode = _Mode.TEXT
        return data[end + len(_CDATA_CLOSE) :]

    def _chars(self, data: bytes, pieces: list[bytes]) -> bytes:
        markup = data.find(b"<")
        if markup < 0:
            amp = data.rfind(b"&")
            if amp >= 0 and b";" not in data[amp:]:
                if len(data) - amp > _LONGEST_ENTITY:
                    raise self._bad("an unterminated character reference")
                data, self._carry = data[:amp], data[amp:]
            data, held = _hold_back(data)
            self._carry = held + self._carry
            pieces.append(self._unescape(_line_ends(data)))
            return b""
        pieces.append(self._unescape(_line_ends(data[:markup])))
        rest = data[markup:]
        if rest.startswith(_CDATA_OPEN):
            self._mode = _Mode.CDATA
            return rest[len(_CDATA_OPEN) :]
        if rest.startswith(b"</"):
            self._mode = _Mode.TAIL
            return rest
        if _CDATA_OPEN.startswith(rest):
            self._carry = rest  # too short to tell yet
            return b""
        raise self._bad("markup")

    def _unescape(self, text: bytes) -> bytes:
        if b"&" not in text:
            return text
        if b"&#" not in text:
            plain = (
                text.replace(b"&lt;", b"<")
                .replace(b"&gt;", b">")
                .replace(b"&quot;", b'"')
                .replace(b"&apos;", b"'")
            )
            if plain.count(b"&") != plain.count(b"&amp;"):
                raise self._bad("an unknown entity")
            return plain.replace(b"&amp;", b"&")
        if len(_ENTITY.findall(text)) != text.count(b"&"):
            raise self._bad("an unknown entity")
        return _ENTITY.sub(_replacement, text)

    def _bad(self, what: str) -> ProtocolError:
        return ProtocolError(
            f"{self.definition.name}.return: expected a xsd:string value, found {what}"
        )

    # --- the end ---

    def _tail(self, data: bytes) -> None:
        self._parse(data)
        for kind, tag, _attrib in self._events.take():
            if kind == "start":
                raise ProtocolError(
                    f"{self.definition.response_name}: unexpected element "
                    f"<{etree.QName(tag).localname}> after the return value"
                )

    def _decode_kept(self) -> bytes:
        result = decode_response(self.definition.name, bytes(self._kept))
        if not isinstance(result, str):
            raise ProtocolError(f"expected a string result, got {type(result).__name__}")
        return result.encode("utf-8")


def _line_ends(text: bytes) -> bytes:
    # As an XML parser does: CR LF and lone CR are read as LF (a &#13; stays).
    return text.replace(b"\r\n", b"\n").replace(b"\r", b"\n") if b"\r" in text else text


def _hold_back(text: bytes) -> tuple[bytes, bytes]:
    """Split off a final CR: the LF that may follow it is in the next chunk."""
    return (text[:-1], text[-1:]) if text.endswith(b"\r") else (text, b"")


def _is_utf8(head: bytes) -> bool:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    declaration = _UTF8_DECLARATION.match(head)
    if declaration is None:
        return True  # no declaration: UTF-8 by definition
    encoding = _ENCODING.search(declaration.group(0))
    return encoding is None or encoding.group(1).lower() in (b"utf-8", b"utf8")


def _replacement(match: re.Match[bytes]) -> bytes:
    name = match.group(1)
    if name in _NAMED:
        return _NAMED[name]
    number = int(name[2:], 16) if name.startswith(b"#x") else int(name[1:])
    try:
        return chr(number).encode("utf-8")
    except (ValueError, UnicodeEncodeError):
        raise ProtocolError(f"character reference &{name.decode()}; is not a character") from None
