"""The payload of the ``…Compressed`` operations: ZIP (method 0) or BZip2 (method 1).

A compressed result is small on the wire but may expand to anything, so
decompression stops at a size limit instead of trusting the sizes the server
declares (a zip bomb declares whatever it likes).
"""

from __future__ import annotations

import bz2
import io
import zipfile
from collections.abc import Mapping
from typing import Any, Final

from khaos_sync.protocol.errors import ProtocolError, UnsafeDocumentError

ZIP: Final = 0
BZIP2: Final = 1
METHOD_NAMES: Final = {ZIP: "ZIP", BZIP2: "BZip2"}

DEFAULT_MAX_DECOMPRESSED_BYTES: Final = 1024 * 1024 * 1024
_CHUNK: Final = 1024 * 1024


def decompress(
    data: bytes,
    method: int,
    *,
    max_bytes: int = DEFAULT_MAX_DECOMPRESSED_BYTES,
    expected_size: int | None = None,
) -> bytes:
    """Return the original bytes of a compressed result.

    Raises UnsafeDocumentError when the output would exceed ``max_bytes`` and
    ProtocolError when the data is corrupt, the method unknown, or the output
    size differs from a positive ``expected_size`` (a truncated transfer).
    """
    if method == ZIP:
        output = _unzip(data, max_bytes)
    elif method == BZIP2:
        output = _bunzip2(data, max_bytes)
    else:
        raise ProtocolError(f"unknown compression method {method}; known: {METHOD_NAMES}")
    if expected_size and len(output) != expected_size:
        raise ProtocolError(
            f"decompressed {len(output)} bytes but the server declared {expected_size}"
        )
    return output


def compress(data: bytes, method: int, *, file_name: str = "data.xml") -> bytes:
    """Compress ``data`` the way the ``…Compressed`` operations deliver it."""
    if method == ZIP:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(file_name, data)
        return buffer.getvalue()
    if method == BZIP2:
        return bz2.compress(data)
    raise ValueError(f"unknown compression method {method}; known: {METHOD_NAMES}")


def compressed_result(data: bytes, method: int, *, file_name: str = "data.xml") -> dict[str, Any]:
    """The ``TCompressedResult`` struct (wire field names) carrying ``data``."""
    packed = compress(data, method, file_name=file_name)
    return {
        "Method": method,
        "FileName": file_name,
        "Data": packed,
        "OriginalSize": len(data),
        "CompressedSize": len(packed),
        "PasswordProtected": False,
    }


def decompress_result(
    result: Mapping[str, Any], *, max_bytes: int = DEFAULT_MAX_DECOMPRESSED_BYTES
) -> bytes:
    """Decompress a decoded ``TCompressedResult`` struct."""
    if result.get("PasswordProtected"):
        raise ProtocolError("the compressed result is password protected; it cannot be read")
    return decompress(
        result.get("Data") or b"",
        int(result.get("Method") or 0),
        max_bytes=max_bytes,
        expected_size=result.get("OriginalSize"),
    )


def _unzip(data: bytes, max_bytes: int) -> bytes:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = [info for info in archive.infolist() if not info.is_dir()]
            if len(members) != 1:
                raise ProtocolError(f"expected one file in the ZIP result, found {len(members)}")
            with archive.open(members[0]) as stream:
                return _read_capped(stream.read, max_bytes)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError) as exc:
        raise ProtocolError(f"corrupt ZIP result: {exc}") from exc
    except RuntimeError as exc:  # zipfile's way of saying "encrypted"
        raise ProtocolError(f"unreadable ZIP result: {exc}") from exc


def _bunzip2(data: bytes, max_bytes: int) -> bytes:
    output = bytearray()
    remaining = data
    try:
        # Concatenated BZip2 streams are legal; each needs a fresh decompressor.
        while remaining:
            decompressor = bz2.BZ2Decompressor()
            chunk = decompressor.decompress(remaining, max_length=_CHUNK)
            while True:
                output += chunk
                _check_size(len(output), max_bytes)
                if decompressor.eof or decompressor.needs_input:
                    break
                chunk = decompressor.decompress(b"", max_length=_CHUNK)
            if not decompressor.eof:
                raise ProtocolError("BZip2 result is truncated")
            remaining = decompressor.unused_data
    except OSError as exc:
        raise ProtocolError(f"corrupt BZip2 result: {exc}") from exc
    return bytes(output)


def _read_capped(read: Any, max_bytes: int) -> bytes:
    output = bytearray()
    while chunk := read(_CHUNK):
        output += chunk
        _check_size(len(output), max_bytes)
    return bytes(output)


def _check_size(size: int, max_bytes: int) -> None:
    if size > max_bytes:
        raise UnsafeDocumentError(
            f"compressed result expands beyond the {max_bytes} bytes allowed; refused"
        )
