"""Is this really a JPEG, PNG or WebP image within our limits? Judged by content, never by name.

The whole image is decoded once here, because a file that only fails when the
storefront makes its first thumbnail would break a live product page.
"""

from __future__ import annotations

import hashlib
import warnings
from dataclasses import dataclass
from io import BytesIO

from PIL import Image, UnidentifiedImageError

FORMATS = ("JPEG", "PNG", "WEBP")
EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}


class RefusedFile(ValueError):
    """A file that will not be stored; the message says why, for the report."""


@dataclass(frozen=True)
class ImageLimits:
    max_file_bytes: int
    max_pixels: int


@dataclass(frozen=True)
class VerifiedImage:
    format: str
    width: int
    height: int
    size: int
    sha256: str

    @property
    def extension(self) -> str:
        return EXTENSIONS[self.format]


def verify_image(data: bytes, limits: ImageLimits) -> VerifiedImage:
    if not data:
        raise RefusedFile("empty file")
    if len(data) > limits.max_file_bytes:
        raise RefusedFile(f"{len(data)} bytes is over the {limits.max_file_bytes} byte limit")
    with warnings.catch_warnings():
        # Pillow only warns between its own limit and twice that; here it is a refusal.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        image_format, width, height = decode(data, limits)
    return VerifiedImage(
        format=image_format,
        width=width,
        height=height,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )


def decode(data: bytes, limits: ImageLimits) -> tuple[str, int, int]:
    try:
        with Image.open(BytesIO(data), formats=FORMATS) as image:
            image_format, (width, height) = str(image.format), image.size
            check_pixels(width, height, limits)
            image.verify()
        with Image.open(BytesIO(data), formats=FORMATS) as image:
            # JPEG can decode at 1/8 scale: every byte of the coded data is still
            # read and checked, for a fraction of the work of a full-size decode.
            image.draft(image.mode, (max(1, width // 8), max(1, height // 8)))
            image.load()
    except UnidentifiedImageError:
        raise RefusedFile("not a JPEG, PNG or WebP image") from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise RefusedFile(f"decompression bomb: {exc}") from None
    except RefusedFile:
        raise
    except Exception as exc:  # Pillow raises many types for damaged data
        raise RefusedFile(f"damaged image: {type(exc).__name__}: {exc}") from None
    return image_format, width, height


def check_pixels(width: int, height: int, limits: ImageLimits) -> None:
    if width < 1 or height < 1:
        raise RefusedFile(f"image has no pixels ({width}×{height})")
    if width * height > limits.max_pixels:
        raise RefusedFile(
            f"decompression bomb: {width}×{height} = {width * height} pixels "
            f"is over the {limits.max_pixels} pixel limit"
        )
