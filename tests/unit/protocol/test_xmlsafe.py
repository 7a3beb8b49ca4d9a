"""Hostile and awkward XML: refused or read correctly, never expanded."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from khaos_sync.protocol.errors import DocumentError, UnsafeDocumentError
from khaos_sync.protocol.xmlsafe import (
    iter_elements,
    iter_elements_of_pieces,
    parse_document,
    parse_pieces,
)

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<STOCK_ITEMS><STOCK_ITEM><STOCK_DESC>&lol4;</STOCK_DESC></STOCK_ITEM></STOCK_ITEMS>"""

EXTERNAL_FILE = b"""<?xml version="1.0"?>
<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<STOCK_ITEMS><STOCK_ITEM><STOCK_DESC>&xxe;</STOCK_DESC></STOCK_ITEM></STOCK_ITEMS>"""

EXTERNAL_HTTP = b"""<?xml version="1.0"?>
<!DOCTYPE foo [<!ENTITY xxe SYSTEM "http://127.0.0.1:9/secret">]>
<STOCK_ITEMS><STOCK_ITEM><STOCK_DESC>&xxe;</STOCK_DESC></STOCK_ITEM></STOCK_ITEMS>"""

EXTERNAL_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE STOCK_ITEMS SYSTEM "http://127.0.0.1:9/stock.dtd">
<STOCK_ITEMS><STOCK_ITEM/></STOCK_ITEMS>"""

PARAMETER_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE foo [<!ENTITY % remote SYSTEM "http://127.0.0.1:9/x.dtd"> %remote;]>
<STOCK_ITEMS/>"""

HOSTILE = pytest.mark.parametrize(
    "document",
    [BILLION_LAUGHS, EXTERNAL_FILE, EXTERNAL_HTTP, EXTERNAL_DTD, PARAMETER_ENTITY],
    ids=["billion-laughs", "file-entity", "http-entity", "external-dtd", "parameter-entity"],
)


@HOSTILE
def test_whole_document_parse_refuses_declarations(document: bytes) -> None:
    with pytest.raises(UnsafeDocumentError, match="DTD or entities"):
        parse_document(document)


@HOSTILE
def test_streaming_parse_refuses_declarations(document: bytes) -> None:
    with pytest.raises(UnsafeDocumentError, match="DTD or entities"):
        list(iter_elements(document, "STOCK_ITEM"))


@HOSTILE
def test_declarations_are_refused_in_text_documents_too(document: bytes) -> None:
    with pytest.raises(UnsafeDocumentError):
        parse_document(document.decode())


def test_doctype_hidden_behind_comments_and_a_bom_is_refused() -> None:
    document = b"\xef\xbb\xbf<?xml version='1.0'?>\n<!-- a -->\n<!-- b -->" + EXTERNAL_FILE[21:]
    with pytest.raises(UnsafeDocumentError):
        parse_document(document)
    with pytest.raises(UnsafeDocumentError):
        list(iter_elements(document, "STOCK_ITEM"))


def test_doctype_after_a_chunk_boundary_is_refused(tmp_path: Path) -> None:
    # The prolog scan must not stop at the end of the first read.
    path = tmp_path / "doc.xml"
    path.write_bytes(b"<!--" + b"x" * 70_000 + b"-->" + EXTERNAL_FILE[21:])
    with pytest.raises(UnsafeDocumentError):
        list(iter_elements(path, "STOCK_ITEM"))


def test_endless_prolog_is_refused() -> None:
    document = b"<!--" + b"x" * (2 * 1024 * 1024) + b"--><A/>"
    with pytest.raises(UnsafeDocumentError, match="prolog is longer"):
        parse_document(document)
    with pytest.raises(UnsafeDocumentError, match="prolog is longer"):
        list(iter_elements(document, "A"))


def test_doctype_text_inside_cdata_is_just_text() -> None:
    root = parse_document(b"<A><B><![CDATA[<!DOCTYPE html><html>&amp;</html>]]></B></A>")
    assert root[0].text == "<!DOCTYPE html><html>&amp;</html>"


def test_size_limit_is_enforced() -> None:
    with pytest.raises(UnsafeDocumentError, match="larger than the 100 bytes"):
        parse_document(b"<A>" + b"x" * 200 + b"</A>", max_bytes=100)


def test_streaming_size_limit_is_enforced() -> None:
    document = b"<A>" + b"<B>x</B>" * 100_000 + b"</A>"
    with pytest.raises(UnsafeDocumentError, match="larger than"):
        list(iter_elements(document, "B", max_bytes=200_000))


def test_default_size_limit_is_64_megabytes() -> None:
    from khaos_sync.protocol.xmlsafe import DEFAULT_MAX_BYTES

    assert DEFAULT_MAX_BYTES == 64 * 1024 * 1024


def test_bom_cdata_and_one_line_document() -> None:
    root = parse_document(
        b'\xef\xbb\xbf<?xml version="1.0" encoding="utf-8"?><A><B><![CDATA[x < y & z]]></B></A>'
    )
    assert root[0].text == "x < y & z"


def test_leading_whitespace_before_declaration_is_tolerated() -> None:
    assert parse_document(b'\n  <?xml version="1.0"?><A/>').tag == "A"
    assert parse_document(b'\xef\xbb\xbf\r\n<?xml version="1.0"?><A/>').tag == "A"


def test_text_with_a_foreign_encoding_declaration_is_read() -> None:
    # A SOAP string is already decoded: its declaration no longer applies.
    root = parse_document('\ufeff<?xml version="1.0" encoding="windows-1252"?><A>£ 😀</A>')
    assert root.text == "£ 😀"


def test_utf16_document_is_read() -> None:
    root = parse_document('<?xml version="1.0" encoding="utf-16"?><A>£</A>'.encode("utf-16"))
    assert root.text == "£"


def test_comments_are_dropped_without_splitting_text() -> None:
    root = parse_document(b"<A><!-- c --><B>ab<!-- c -->cd</B></A>")
    assert len(root) == 1
    assert root[0].text == "abcd"


def test_malformed_document_raises_document_error() -> None:
    with pytest.raises(DocumentError, match="not well-formed"):
        parse_document(b"<A><B></A>")
    with pytest.raises(DocumentError, match="not well-formed"):
        list(iter_elements(b"<A><B></B><B></A>", "B"))


def test_undeclared_entity_is_an_error_not_a_lookup() -> None:
    with pytest.raises(DocumentError):
        parse_document(b"<A>&xxe;</A>")


def test_streaming_accepts_bytes_paths_and_files(tmp_path: Path) -> None:
    document = b"<A><B>1</B><C/><B>2</B></A>"
    path = tmp_path / "doc.xml"
    path.write_bytes(document)
    for source in (document, path, str(path), io.BytesIO(document)):
        assert [element.text for element in iter_elements(source, "B")] == ["1", "2"]


def test_streaming_checks_the_root_element() -> None:
    with pytest.raises(DocumentError, match="root <STOCK_ITEMS>, got <STOCK_STATUS>"):
        list(iter_elements(b"<STOCK_STATUS/>", "STOCK_ITEM", root="STOCK_ITEMS"))


@pytest.mark.parametrize("cut", range(1, len(b"<?xml version='1.0'?><STOCK_ITEMS>")))
def test_a_piece_may_end_anywhere_in_the_prolog_or_the_root_name(cut: int) -> None:
    document = b"<?xml version='1.0'?><STOCK_ITEMS><STOCK_ITEM>1</STOCK_ITEM></STOCK_ITEMS>"
    pieces = [document[:cut], document[cut:]]
    elements = iter_elements_of_pieces(pieces, "STOCK_ITEM", root="STOCK_ITEMS")
    assert [element.text for element in elements] == ["1"]
    tree, text = parse_pieces(pieces, root="STOCK_ITEMS")
    assert tree.tag == "STOCK_ITEMS" and text.endswith(b"</STOCK_ITEMS>")


def test_a_complete_document_with_another_root_is_refused_in_pieces() -> None:
    pieces = [b"<STOCK_ST", b"ATUS/>"]
    with pytest.raises(DocumentError, match="root <STOCK_ITEMS>, got <STOCK_STATUS>"):
        list(iter_elements_of_pieces(pieces, "STOCK_ITEM", root="STOCK_ITEMS"))


def test_streaming_releases_what_was_read() -> None:
    count = 100_000
    document = b"<A>" + b"<B><C>x</C></B>" * count + b"</A>"
    largest = 0
    for element in iter_elements(document, "B"):
        parent = element.getparent()
        assert parent is not None
        largest = max(largest, len(parent))
        previous = element.getprevious()
        assert previous is None or len(previous) == 0  # read before: emptied
    # Only what the parser has read ahead is held, never the whole document.
    assert largest < count // 10
