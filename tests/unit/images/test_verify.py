"""Only real JPEG, PNG and WebP images within the limits get through."""

import pytest

from khaos_sync.mappers.verify import ImageLimits, RefusedFile, verify_image
from tests.unit.images import pictures

LIMITS = ImageLimits(max_file_bytes=2_000_000, max_pixels=4_000_000)


@pytest.mark.parametrize(
    ("data", "image_format", "extension"),
    [
        (pictures.jpeg(), "JPEG", "jpg"),
        (pictures.png(), "PNG", "png"),
        (pictures.webp(), "WEBP", "webp"),
    ],
)
def test_real_images_pass_with_their_format(data, image_format, extension):
    image = verify_image(data, LIMITS)

    assert (image.format, image.extension) == (image_format, extension)
    assert (image.width, image.height, image.size) == (64, 48, len(data))
    assert len(image.sha256) == 64


def test_the_same_bytes_have_the_same_hash_and_other_bytes_another():
    assert (
        verify_image(pictures.jpeg(), LIMITS).sha256 == verify_image(pictures.jpeg(), LIMITS).sha256
    )
    assert (
        verify_image(pictures.jpeg(), LIMITS).sha256
        != verify_image(pictures.jpeg(pictures.BLUE), LIMITS).sha256
    )


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (pictures.gif(), "not a JPEG, PNG or WebP image"),
        (b"<html>not a picture</html>", "not a JPEG, PNG or WebP image"),
        (b"", "empty file"),
        (pictures.truncated_jpeg(), "damaged image"),
        (pictures.png_claiming(100_000, 100_000), "decompression bomb"),
        (pictures.png_claiming(3_000, 3_000), "decompression bomb: 3000×3000"),
    ],
)
def test_other_content_is_refused_with_a_reason(data, reason):
    with pytest.raises(RefusedFile, match=reason):
        verify_image(data, LIMITS)


def test_a_small_file_that_decodes_to_too_many_pixels_is_refused():
    bomb = pictures.grey_png((2_500, 2_000))
    assert len(bomb) < 20_000

    with pytest.raises(RefusedFile, match="over the 4000000 pixel limit"):
        verify_image(bomb, LIMITS)


def test_a_file_over_the_byte_limit_is_refused():
    with pytest.raises(RefusedFile, match="over the 100 byte limit"):
        verify_image(pictures.jpeg(), ImageLimits(max_file_bytes=100, max_pixels=10**6))


def test_a_png_with_damaged_data_is_refused():
    data = bytearray(pictures.png(size=(200, 200)))
    idat = data.index(b"IDAT")
    data[idat + 8 : idat + 40] = b"\x00" * 32

    with pytest.raises(RefusedFile, match="damaged image"):
        verify_image(bytes(data), LIMITS)
