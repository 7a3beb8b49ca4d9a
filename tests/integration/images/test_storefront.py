"""The storefront shows imported images as thumbnails made by Oscar's thumbnailer."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

from django.core.cache import cache
from lxml import html
from PIL import Image

from tests.integration.images.conftest import bound_product
from tests.integration.images.support import import_images
from tests.unit.images import pictures
from tests.unit.images.pictures import BLUE, GREEN, RED, close_to, colour_of


def test_the_product_page_shows_thumbnails_of_the_imported_images_in_khaos_order(
    client, db, tmp_path, settings
):
    cache.clear()  # sorl remembers thumbnails by name; another test's media dir is gone
    boot = bound_product(
        "BOOT-01", ["P:\\Img\\boot 1.jpg", "P:\\Img\\boot 2.jpg", "P:\\Img\\boot 3.jpg"]
    )
    big = (900, 700)
    import_images(
        pictures.write_folder(
            tmp_path / "in",
            [
                ("boot 3.jpg", pictures.jpeg(BLUE, big)),
                ("boot 2.jpg", pictures.png(GREEN, big)),
                ("boot 1.jpg", pictures.webp(RED, big)),
            ],
        )
    )

    page = client.get(boot.get_absolute_url())

    assert page.status_code == 200
    sources = html.fromstring(page.content).xpath(
        "//ol[contains(@class, 'carousel-indicators')]//img/@src"
    )
    assert len(sources) == 3
    thumbnails = []
    for source in sources:
        assert source.startswith(settings.MEDIA_URL + "cache/")
        data = (Path(settings.MEDIA_ROOT) / source.removeprefix(settings.MEDIA_URL)).read_bytes()
        with Image.open(BytesIO(data)) as thumbnail:
            assert thumbnail.size[0] <= 65 and thumbnail.size[1] <= 55
        thumbnails.append(colour_of(data))
    assert [close_to(c, e) for c, e in zip(thumbnails, [RED, GREEN, BLUE], strict=True)] == [
        True,
        True,
        True,
    ]
