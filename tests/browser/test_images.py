"""Images sent as a ZIP show on the storefront product page in Khaos's order."""

from __future__ import annotations

from io import BytesIO

from PIL import Image

from khaos_sync.mappers.images import file_key
from khaos_sync.simulator.runner import run_in_thread
from khaos_sync.sync.catalogue.flow import sync_catalogue_once
from khaos_sync.sync.catalogue.models import ProductBinding
from tests.unit.images import pictures
from tests.unit.images.pictures import BLUE, GREEN, RED, close_to, colour_of

COLOURS = [RED, GREEN, BLUE]


def a_product_with_three_khaos_images() -> ProductBinding:
    candidates = ProductBinding.objects.filter(structure="standalone").select_related("product")
    return next(b for b in candidates if len(b.image_files) == 3)


def test_staff_import_a_zip_and_the_product_page_shows_its_images_in_khaos_order(
    logged_in_page, live_server, tmp_path
):
    with run_in_thread(tmp_path / "sim.sqlite3", generate=40, seed=7) as sim:
        run = sync_catalogue_once(full=True, url=sim.url)
    assert run.outcome == "succeeded"
    binding = a_product_with_three_khaos_images()
    product = binding.product
    product.is_public = True
    product.save()
    # Khaos's first image is red, then green, then blue; the ZIP holds them backwards.
    named = list(zip(binding.image_files, COLOURS, strict=True))
    archive = pictures.write_zip(
        tmp_path / "images.zip",
        [(file_key(name), pictures.jpeg(colour, (600, 500))) for name, colour in reversed(named)],
    )

    page = logged_in_page
    page.goto(f"{live_server.url}/dashboard/khaos/images/")
    page.set_input_files("#id_archive", str(archive))
    page.click("#upload-form button[type=submit]")
    page.wait_for_selector("#report", timeout=30_000)
    assert page.locator("#count-matched").inner_text() == "3"
    assert binding.stock_code in page.locator("#report-matched").inner_text()

    page.goto(f"{live_server.url}{product.get_absolute_url()}")
    sources = page.locator("#product_gallery .carousel-indicators img").evaluate_all(
        "images => images.map(image => image.getAttribute('src'))"
    )
    assert len(sources) == 3
    shown = []
    for source in sources:
        assert source.startswith("/media/cache/")
        response = page.request.get(f"{live_server.url}{source}")
        assert response.ok
        with Image.open(BytesIO(response.body())) as thumbnail:
            assert thumbnail.width <= 65 and thumbnail.height <= 55
        shown.append(colour_of(response.body()))
    assert all(close_to(c, e) for c, e in zip(shown, COLOURS, strict=True)), shown
