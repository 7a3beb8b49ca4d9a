from __future__ import annotations

import bz2
import io
import zipfile

import pytest

from khaos_sync.protocol.errors import ProtocolError, UnsafeDocumentError
from khaos_sync.protocol.results import CompressedResult
from khaos_sync.protocol.soap import decode_response, encode_response
from khaos_sync.protocol.soap.compression import (
    BZIP2,
    ZIP,
    compress,
    compressed_result,
    decompress,
    decompress_result,
)

DOCUMENT = b'<?xml version="1.0"?><STOCK_ITEMS>' + b"<STOCK_ITEM/>" * 1000 + b"</STOCK_ITEMS>"


@pytest.mark.parametrize("method", [ZIP, BZIP2])
def test_round_trip(method: int) -> None:
    packed = compress(DOCUMENT, method, file_name="stock.xml")
    assert len(packed) < len(DOCUMENT)
    assert decompress(packed, method, expected_size=len(DOCUMENT)) == DOCUMENT


@pytest.mark.parametrize("method", [ZIP, BZIP2])
def test_round_trip_through_the_envelope(method: int) -> None:
    struct = compressed_result(DOCUMENT, method, file_name="stock.xml")
    body = encode_response("ExportStockCompressed", struct, arrays="multiref")
    decoded = decode_response("ExportStockCompressed", body)
    assert decoded == struct
    result = CompressedResult.from_wire(decoded)
    assert result.method_name == ("ZIP" if method == ZIP else "BZip2")
    assert result.decompress() == DOCUMENT


@pytest.mark.parametrize("method", [ZIP, BZIP2])
def test_bombs_stop_at_the_limit(method: int) -> None:
    bomb = compress(b"\0" * (8 * 1024 * 1024), method)
    assert len(bomb) < 64 * 1024
    with pytest.raises(UnsafeDocumentError, match="expands beyond"):
        decompress(bomb, method, max_bytes=1024 * 1024)


def test_zip_size_is_not_taken_from_the_header() -> None:
    # A ZIP may claim a small size for a large member; only the bytes read count.
    packed = compress(b"x" * 5000, ZIP)
    with pytest.raises(UnsafeDocumentError):
        decompress(packed, ZIP, max_bytes=4000)


@pytest.mark.parametrize("method", [ZIP, BZIP2])
def test_corrupt_or_truncated_data(method: int) -> None:
    packed = compress(DOCUMENT, method)
    with pytest.raises(ProtocolError):
        decompress(packed[: len(packed) // 2], method)
    with pytest.raises(ProtocolError):
        decompress(b"garbage" * 10, method)


def test_concatenated_bzip2_streams() -> None:
    packed = bz2.compress(b"abc") + bz2.compress(b"def")
    assert decompress(packed, BZIP2) == b"abcdef"


def test_zip_with_several_files_is_refused() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a.xml", b"<a/>")
        archive.writestr("b.xml", b"<b/>")
    with pytest.raises(ProtocolError, match="one file"):
        decompress(buffer.getvalue(), ZIP)


def test_declared_size_mismatch_means_truncation() -> None:
    with pytest.raises(ProtocolError, match="declared"):
        decompress(compress(DOCUMENT, ZIP), ZIP, expected_size=len(DOCUMENT) + 1)


def test_unknown_method() -> None:
    with pytest.raises(ProtocolError, match="unknown compression method"):
        decompress(b"", 7)
    with pytest.raises(ValueError):
        compress(b"", 7)


def test_password_protected_results_are_refused() -> None:
    struct = compressed_result(DOCUMENT, ZIP) | {"PasswordProtected": True}
    with pytest.raises(ProtocolError, match="password"):
        decompress_result(struct)
