"""Image files made with Pillow for the tests: real, damaged and hostile ones."""

from __future__ import annotations

import struct
import zipfile
import zlib
from io import BytesIO
from pathlib import Path

from PIL import Image

RED = (220, 20, 20)
GREEN = (20, 200, 40)
BLUE = (30, 40, 230)
YELLOW = (240, 220, 10)


def picture(
    colour: tuple[int, int, int], size: tuple[int, int] = (64, 48), fmt: str = "JPEG"
) -> bytes:
    out = BytesIO()
    Image.new("RGB", size, colour).save(out, fmt)
    return out.getvalue()


def jpeg(colour: tuple[int, int, int] = RED, size: tuple[int, int] = (64, 48)) -> bytes:
    return picture(colour, size, "JPEG")


def png(colour: tuple[int, int, int] = GREEN, size: tuple[int, int] = (64, 48)) -> bytes:
    return picture(colour, size, "PNG")


def webp(colour: tuple[int, int, int] = BLUE, size: tuple[int, int] = (64, 48)) -> bytes:
    return picture(colour, size, "WEBP")


def gif() -> bytes:
    return picture(YELLOW, fmt="GIF")


def truncated_jpeg() -> bytes:
    whole = jpeg(size=(400, 300))
    return whole[: len(whole) // 2]


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims a huge canvas: a decompression bomb's calling card."""
    data = bytearray(png())
    ihdr = data.index(b"IHDR")
    data[ihdr + 4 : ihdr + 12] = struct.pack(">II", width, height)
    crc = zlib.crc32(bytes(data[ihdr : ihdr + 17]))
    data[ihdr + 17 : ihdr + 21] = struct.pack(">I", crc)
    return bytes(data)


def grey_png(size: tuple[int, int]) -> bytes:
    """A real, large, blank PNG: few bytes on disk, many pixels once decoded."""
    out = BytesIO()
    Image.new("L", size, 0).save(out, "PNG", optimize=True)
    return out.getvalue()


def colour_of(data: bytes) -> tuple[int, int, int]:
    with Image.open(BytesIO(data)) as image:
        rgb = image.convert("RGB")
        return rgb.getpixel((rgb.width // 2, rgb.height // 2))  # type: ignore[return-value]


def close_to(actual: tuple[int, int, int], expected: tuple[int, int, int]) -> bool:
    # JPEG and thumbnailing shift colours a little.
    return all(abs(a - e) <= 24 for a, e in zip(actual, expected, strict=True))


def write_zip(path: Path, entries: list[tuple[str, bytes]], *, deflate: bool = True) -> Path:
    method = zipfile.ZIP_DEFLATED if deflate else zipfile.ZIP_STORED
    with zipfile.ZipFile(path, "w", method) as archive:
        for name, data in entries:
            archive.writestr(zipfile.ZipInfo(name), data, compress_type=method)
    return path


def write_folder(root: Path, entries: list[tuple[str, bytes]]) -> Path:
    for name, data in entries:
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return root
