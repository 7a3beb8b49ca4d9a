"""The one place where XML received from outside is parsed.

Khaos documents arrive from a server we do not control (and through proxies we
control even less), so every parse here refuses DTDs and entity declarations
outright instead of trusting the parser to leave them unexpanded: a document
that declares entities is never one Khaos produced. Entity resolution, network
access and DTD loading are switched off as well, as a second line of defence.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import IO, Any, Final, Generic, Literal, TypedDict, TypeVar, cast

from lxml import etree

from khaos_sync.protocol.errors import DocumentError, UnsafeDocumentError

DEFAULT_MAX_BYTES: Final = 64 * 1024 * 1024

# A prolog (declaration, comments, processing instructions) longer than this
# is not something Khaos writes; reading further would let a hostile stream
# hide a DOCTYPE behind megabytes of comments.
MAX_PROLOG_BYTES: Final = 1024 * 1024

_CHUNK: Final = 64 * 1024
_UTF8_BOM: Final = b"\xef\xbb\xbf"
_UTF16_BOMS: Final = (b"\xff\xfe", b"\xfe\xff")
_XML_DECLARATION = re.compile(r"\A\s*<\?xml\b[^>]*\?>")
_XML_DECLARATION_BYTES = re.compile(rb"\A<\?xml\s[^>]*\?>")
_ROOT_START = re.compile(r"<([^\s/>]+)")


# The options of every parser here: no entities, network, DTD, comments or
# processing instructions, so a document can only be read, never make us fetch,
# expand or run anything.
Event = Literal["start", "end"]
_Found = TypeVar("_Found")


class Hardened(TypedDict):
    resolve_entities: bool
    no_network: bool
    load_dtd: bool
    dtd_validation: bool
    remove_comments: bool
    remove_pis: bool


HARDENED: Final[Hardened] = {
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "dtd_validation": False,
    "remove_comments": True,
    "remove_pis": True,
}

Source = bytes | str | os.PathLike[str] | IO[bytes]


def parse_document(
    data: bytes | str,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    huge_tree: bool = False,
) -> etree._Element:
    """Parse a whole KSDXML document held in memory and return its root element.

    ``data`` is the document itself: bytes as received, or text (e.g. the
    string a SOAP method returned). Comments and processing instructions are
    dropped; CDATA sections become plain text.
    """
    raw = _as_bytes(data)
    if len(raw) > max_bytes:
        raise UnsafeDocumentError(
            f"document is {len(raw)} bytes, larger than the {max_bytes} bytes allowed"
        )
    raw = _strip_leading_whitespace(raw)
    _check_prolog(raw)
    try:
        root = etree.fromstring(raw, _parser(huge_tree))
    except etree.XMLSyntaxError as exc:
        raise DocumentError(f"document is not well-formed XML: {exc}") from exc
    _refuse_doctype_in(root)
    return root


def iter_elements(
    source: Source,
    tag: str,
    *,
    root: str | None = None,
    max_bytes: int | None = None,
    huge_tree: bool = False,
) -> Iterator[etree._Element]:
    """Yield each complete ``tag`` element of a document, streaming.

    ``source`` is the document as bytes, a path (``str`` or path-like) or a
    binary file object. Each element is yielded once it is complete and is
    cleared, together with everything read before it, as soon as the caller
    asks for the next one, so memory stays flat however large the document
    is. Callers must therefore convert an element before advancing.

    When ``root`` is given, a document with another root element is refused
    before anything is yielded, so the wrong document cannot pass as empty.
    """
    with _binary_stream(source) as stream:
        reader = _GuardedReader(stream, max_bytes)
        if root is not None and reader.root_name != root:
            raise DocumentError(f"expected a document with root <{root}>, got <{reader.root_name}>")
        context = etree.iterparse(reader, events=("end",), tag=tag, huge_tree=huge_tree, **HARDENED)
        checked = False
        try:
            for _event, element in context:
                if not checked:
                    _refuse_doctype_in(element)
                    checked = True
                yield element
                _release(element)
        except etree.XMLSyntaxError as exc:
            raise DocumentError(f"document is not well-formed XML: {exc}") from exc


def _parser(huge_tree: bool) -> etree.XMLParser:
    # A new parser per call: lxml parsers are not safe to share between threads.
    return etree.XMLParser(huge_tree=huge_tree, **HARDENED)


def _as_bytes(data: bytes | str) -> bytes:
    if isinstance(data, bytes):
        return data
    if not isinstance(data, str):
        raise TypeError(f"expected the document as bytes or str, got {type(data).__name__}")
    # The text is already decoded, so whatever encoding its declaration names
    # no longer applies; dropping the declaration lets it be read as UTF-8.
    text = _XML_DECLARATION.sub("", data.removeprefix("\ufeff"), count=1)
    return text.encode("utf-8")


def _strip_leading_whitespace(raw: bytes) -> bytes:
    # Documents unwrapped from SOAP strings often start with a newline, which
    # would make the XML declaration illegal. A UTF-8 BOM goes too: once
    # whitespace after it is removed the parser would no longer see it first.
    if raw.startswith(_UTF16_BOMS):
        return raw
    return raw.removeprefix(_UTF8_BOM).lstrip(b" \t\r\n")


def _check_prolog(raw: bytes) -> None:
    # Only the prolog can hold declarations; decoding the whole body to look
    # for them would double the memory of a large document.
    head = raw[: MAX_PROLOG_BYTES + 1]
    if _find_root(head, complete=len(raw) <= MAX_PROLOG_BYTES) is None:
        raise UnsafeDocumentError(
            f"document prolog is longer than {MAX_PROLOG_BYTES} bytes; refused"
        )


def _find_root(head: bytes, *, complete: bool) -> str | None:
    """Check the prolog in ``head`` and return the text from the root element on.

    Raises UnsafeDocumentError on any declaration (``<!DOCTYPE``, ``<!ENTITY``).
    Returns None when ``head`` ends inside the prolog and more bytes are
    needed (only possible when ``complete`` is False).
    """
    text = _decode_head(head)
    position = 0
    while True:
        position = _skip_whitespace(text, position)
        if not complete and len(text) - position < len("<!DOCTYPE"):
            return None
        if text.startswith("<?", position):
            terminator = "?>"
        elif text.startswith("<!--", position):
            terminator = "-->"
        elif text.startswith("<!", position):
            raise UnsafeDocumentError(
                "document declares a DTD or entities (<!DOCTYPE/<!ENTITY>); "
                "Khaos documents never do, so it was refused without expanding it"
            )
        else:
            return text[position:]
        end = text.find(terminator, position)
        if end < 0:
            return None if not complete else ""
        position = end + len(terminator)


def _root_name(text: str) -> str | None:
    match = _ROOT_START.match(text)
    return match.group(1) if match else None


def _name_may_go_on(rest: str) -> bool:
    """True while the piece ends inside the root's start tag name: the next piece may extend it."""
    name = _root_name(rest)
    return name is None or len(rest) == len(name) + 1


def _decode_head(head: bytes) -> str:
    if head.startswith(_UTF16_BOMS):
        return head[: len(head) // 2 * 2].decode("utf-16", errors="replace")
    return head.decode("utf-8", errors="replace").removeprefix("\ufeff")


def _skip_whitespace(text: str, position: int) -> int:
    while position < len(text) and text[position] in " \t\r\n":
        position += 1
    return position


def _refuse_doctype_in(element: etree._Element) -> None:
    # Belt and braces: the prolog scan already refused these documents.
    info = element.getroottree().docinfo
    # system_url is missing from the lxml stubs, hence getattr.
    if info.internalDTD is not None or info.public_id or getattr(info, "system_url", None):
        raise UnsafeDocumentError("document declares a DTD; refused")


def _release(element: etree._Element) -> None:
    element.clear()
    parent = element.getparent()
    if parent is None:
        return
    while element.getprevious() is not None:
        del parent[0]


@contextmanager
def _binary_stream(source: Source) -> Iterator[IO[bytes]]:
    """A binary stream for any accepted ``source``; files opened here are closed."""
    if isinstance(source, bytes):
        yield io.BytesIO(source)
    elif isinstance(source, str | os.PathLike):
        with open(source, "rb") as stream:
            yield stream
    elif hasattr(source, "read"):
        yield source
    else:
        raise TypeError(f"cannot read a document from {type(source).__name__}")


class _GuardedReader:
    """File wrapper that checks the prolog and counts bytes before lxml sees them."""

    def __init__(self, stream: IO[bytes], max_bytes: int | None) -> None:
        self._stream = stream
        self._max_bytes = max_bytes
        self._read = 0
        self.root_name: str | None = None
        self._pending = self._read_prolog()

    def read(self, size: int = -1) -> bytes:
        if self._pending:
            chunk, self._pending = self._pending, b""
            return chunk
        chunk = self._stream.read(size if size and size > 0 else _CHUNK)
        self._count(len(chunk))
        return chunk

    def _read_prolog(self) -> bytes:
        head = b""
        while True:
            chunk = self._stream.read(_CHUNK)
            self._count(len(chunk))
            head += chunk
            if not head.startswith(_UTF16_BOMS):
                head = _strip_leading_whitespace(head)
            rest = _find_root(head, complete=not chunk)
            if rest is not None:
                self.root_name = _root_name(rest)
                return head
            if len(head) > MAX_PROLOG_BYTES:
                raise UnsafeDocumentError(
                    f"document prolog is longer than {MAX_PROLOG_BYTES} bytes; refused"
                )

    def _count(self, size: int) -> None:
        self._read += size
        if self._max_bytes is not None and self._read > self._max_bytes:
            raise UnsafeDocumentError(
                f"document is larger than the {self._max_bytes} bytes allowed"
            )


def iter_elements_of_pieces(
    pieces: Iterable[bytes], tag: str, *, root: str | None = None
) -> Iterator[etree._Element]:
    """Like :func:`iter_elements`, for a document that arrives in pieces of UTF-8.

    For the string a SOAP answer carries, unwrapped as it arrives: the text was
    decoded once already, so a leading byte-order mark and whatever encoding the
    XML declaration names are dropped, as :func:`parse_document` does for text.
    Each element is released as soon as the caller asks for the next one.
    """
    feed = _ElementFeed(tag, root, events=("end",))
    for piece in pieces:
        yield from feed.feed(piece)
    yield from feed.close()


def iter_events_of_pieces(
    pieces: Iterable[bytes],
    tags: tuple[str, ...],
    *,
    root: str,
    events: tuple[Event, ...] = ("start", "end"),
) -> Iterator[tuple[Event, etree._Element]]:
    """Start and end events of ``tags`` in a document arriving in UTF-8 pieces.

    The prolog and root are checked as by :func:`iter_elements_of_pieces`, but
    nothing is released: the caller removes what it has read, so that it can
    keep an enclosing element's own children (a nested tree) while its items go.
    """
    feed = _EventFeed(tags, root, events=events)
    for piece in pieces:
        yield from feed.feed(piece)
    yield from feed.close()


def parse_pieces(pieces: Iterable[bytes], *, root: str) -> tuple[etree._Element, bytes]:
    """The whole tree of a document arriving in UTF-8 pieces, and its text from the root on.

    The prolog and root are checked as by :func:`iter_elements_of_pieces` while
    the pieces arrive; the document is parsed in one go once it is complete,
    which costs well under half what feeding a parser piece by piece does.
    """
    feed = _TreeFeed(root)
    for piece in pieces:
        feed.take(piece)
    return feed.finish()


class _GuardedFeed:
    """A document arriving in pieces, whose prolog and root are checked before parsing begins."""

    def __init__(self, root: str | None) -> None:
        self._root = root
        self._head: bytes | None = b""  # None once the prolog has been checked

    def take(self, piece: bytes) -> bool:
        """Parse ``piece`` (or hold it while the prolog is incomplete); True once parsing has begun."""
        if self._head is None:
            self._parse(piece)
            return True
        self._head += piece
        return self._take_head(complete=False)

    def _parse(self, data: bytes) -> None:
        raise NotImplementedError

    def _take_rest_of_head(self) -> None:
        """The document is complete: its prolog must have been too."""
        if self._head is not None and not self._take_head(complete=True):
            raise DocumentError("document is empty")

    def _take_head(self, *, complete: bool) -> bool:
        """Check the prolog once enough has arrived; True when parsing has begun."""
        assert self._head is not None
        head = _strip_leading_whitespace(self._head)
        if head.startswith(b"<?xml"):
            declaration = _XML_DECLARATION_BYTES.match(head)
            if declaration is None:
                if complete:
                    raise DocumentError("document is not well-formed XML: unclosed declaration")
                return self._wait(head)
            # The text was decoded once already: the encoding it names no longer applies.
            head = head[declaration.end() :]
        elif not complete and len(head) < len("<?xml"):
            return False
        rest = _find_root(head, complete=complete)
        if rest is None or (not complete and _name_may_go_on(rest)):
            return self._wait(head)
        name = _root_name(rest)
        if name is None:
            raise DocumentError("document has no root element")
        if self._root is not None and name != self._root:
            raise DocumentError(f"expected a document with root <{self._root}>, got <{name}>")
        self._head = None
        self._parse(head)
        return True

    @staticmethod
    def _wait(head: bytes) -> bool:
        if len(head) > MAX_PROLOG_BYTES:
            raise UnsafeDocumentError(
                f"document prolog is longer than {MAX_PROLOG_BYTES} bytes; refused"
            )
        return False


class _TreeFeed(_GuardedFeed):
    """Holds the document's text as it arrives, and parses it whole once it is complete."""

    def __init__(self, root: str) -> None:
        super().__init__(root)
        self._text: list[bytes] = []

    def _parse(self, data: bytes) -> None:
        self._text.append(data)

    def finish(self) -> tuple[etree._Element, bytes]:
        self._take_rest_of_head()
        text, self._text = b"".join(self._text), []
        try:
            element = etree.fromstring(text, _parser(huge_tree=True))
        except etree.XMLSyntaxError as exc:
            raise DocumentError(f"document is not well-formed XML: {exc}") from exc
        _refuse_doctype_in(element)
        return element, text


class _DocumentFeed(_GuardedFeed, Generic[_Found]):
    """A pull parser fed in pieces, handing over what it finds as it goes."""

    def __init__(
        self, tag: str | tuple[str, ...], root: str | None, *, events: tuple[Event, ...]
    ) -> None:
        super().__init__(root)
        self._parser = pull_parser(events, tag=tag)
        self._checked = False

    def feed(self, piece: bytes) -> Iterator[_Found]:
        if self.take(piece):
            yield from self._events()

    def close(self) -> Iterator[_Found]:
        self._take_rest_of_head()
        try:
            self._parser.close()
        except etree.XMLSyntaxError as exc:
            raise DocumentError(f"document is not well-formed XML: {exc}") from exc
        yield from self._events()

    def _parse(self, data: bytes) -> None:
        try:
            self._parser.feed(data)
        except etree.XMLSyntaxError as exc:
            raise DocumentError(f"document is not well-formed XML: {exc}") from exc

    def _events(self) -> Iterator[_Found]:
        try:
            events = list(self._parser.read_events())
        except etree.XMLSyntaxError as exc:
            raise DocumentError(f"document is not well-formed XML: {exc}") from exc
        for event, found in events:
            element = cast(etree._Element, found)
            if not self._checked:
                _refuse_doctype_in(element)
                self._checked = True
            yield from self._hand_over(cast(Event, event), element)  # only those asked for

    def _hand_over(self, event: Event, element: etree._Element) -> Iterator[_Found]:
        raise NotImplementedError


class _ElementFeed(_DocumentFeed[etree._Element]):
    """Hands out elements, each released once the caller asks for the next."""

    def _hand_over(self, event: Event, element: etree._Element) -> Iterator[etree._Element]:
        yield element
        _release(element)


class _EventFeed(_DocumentFeed[tuple[Event, etree._Element]]):
    """Hands out ``(event, element)`` pairs and releases nothing: the caller does."""

    def _hand_over(
        self, event: Event, element: etree._Element
    ) -> Iterator[tuple[Event, etree._Element]]:
        yield event, element


def feed_parser(target: Any) -> etree.XMLParser:
    """A push parser that reports to ``target`` (lxml's parser-target interface).

    For reading the framing of a SOAP answer while it arrives; the caller
    checks the prolog (:func:`check_prolog_head`) before feeding it.
    """
    return etree.XMLParser(target=target, huge_tree=True, **HARDENED)


def pull_parser(
    events: tuple[Event, ...], *, tag: str | tuple[str, ...] | None = None
) -> etree.XMLPullParser:
    """A hardened pull parser (``feed`` bytes, then read its events) for large answers.

    The caller checks the prolog (:func:`check_prolog_head`) before feeding it.
    """
    return etree.XMLPullParser(events=events, tag=tag, huge_tree=True, **HARDENED)


def check_prolog_head(head: bytes, *, complete: bool) -> bool:
    """True once ``head`` reaches the root element with a harmless prolog.

    Raises UnsafeDocumentError for a DTD or entity declaration, or a prolog
    too long to be one Khaos wrote; False means more bytes are needed.
    """
    if _find_root(_strip_leading_whitespace(head), complete=complete) is not None:
        return True
    if len(head) > MAX_PROLOG_BYTES:
        raise UnsafeDocumentError(
            f"document prolog is longer than {MAX_PROLOG_BYTES} bytes; refused"
        )
    return False
