"""Products bound to Khaos items, and a media folder of the test's own."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest
from django.utils import timezone
from oscar.test import factories

from khaos_sync.shop import services
from khaos_sync.sync.catalogue.models import ProductBinding


@pytest.fixture(autouse=True)
def data_dirs(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DATA_DIR = tmp_path / "data"
    settings.DATA_DIR.mkdir()
    settings.STORAGES = services.storage_settings({"storage": "local"}, settings.DATA_DIR)
    return settings


@pytest.fixture
def image_limits(configure_khaos):
    """Change the image limits for one test: ``image_limits(max_pixels=...)``."""

    def change(**values: int) -> None:
        configure_khaos(images=values)

    return change


def bound_product(
    code: str,
    image_files: Sequence[str] = (),
    *,
    structure: str = "standalone",
    parent=None,
    owned: Sequence[str] = (),
    public: bool = True,
):
    """An Oscar product synced from the Khaos item ``code``."""
    if structure == "child":
        product = factories.create_product(title=code, parent=parent, structure="child")
    else:
        product = factories.create_product(title=code, structure=structure, upc=code)
    product.is_public = public
    product.save()
    ProductBinding.objects.create(
        stock_id=f"ID-{code}",
        product=product,
        stock_code=code,
        parent_stock_id=f"ID-{parent.upc}" if parent is not None else "",
        structure=structure,
        synced_hash="-",
        synced_at=timezone.now(),
        image_files=list(image_files),
        owned_fields=list(owned),
    )
    return product


def stored_files(media: Path) -> list[Path]:
    """Image files in the shop's media folder (thumbnails and temporaries aside)."""
    folder = media / "images" / "khaos"
    if not folder.exists():
        return []
    return sorted(p for p in folder.rglob("*") if p.is_file())
