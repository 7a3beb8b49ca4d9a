"""Running an import and looking at the result as the shop would show it."""

from __future__ import annotations

from pathlib import Path

from khaos_sync.sync.images.jobs import create_job, run_job
from tests.unit.images.pictures import close_to, colour_of


def import_images(path: Path):
    job = create_job(path, path.name)
    return run_job(job.pk)


def gallery(product) -> list[tuple[int, int, int]]:
    """The colours of a product's images in display order."""
    images = product.images.order_by("display_order")
    return [colour_of(Path(image.original.path).read_bytes()) for image in images]


def looks_like(actual: list[tuple[int, int, int]], expected: list[tuple[int, int, int]]) -> bool:
    return len(actual) == len(expected) and all(
        close_to(a, e) for a, e in zip(actual, expected, strict=True)
    )
