"""Image import benchmark: 1,000 product photos from a ZIP into a fresh shop.

Builds a shop (SQLite in a temporary data dir), N/2 bound products, and a ZIP
of N JPEG photos (half named by Khaos's FILE_NAME, half by the stock code
convention), then reports:
  * the first import: wall time, images/s, MB/s;
  * the same ZIP again (every file recognised by its hash, nothing written);
  * the floor: verifying the same bytes with Pillow alone (read + decode);
  * peak RSS of the process.

Usage: python benchmarks/bench_images.py [--images 1000] [--pixels 800]
Reports numbers only; it asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import tempfile
import time
import zipfile
from io import BytesIO
from pathlib import Path
from typing import Any


def peak_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def photo(rng: random.Random, pixels: int) -> bytes:
    """A JPEG that compresses like a product photo: a tinted gradient with some grain."""
    from PIL import Image, ImageChops

    base = Image.linear_gradient("L").resize((pixels, pixels)).convert("RGB")
    tint = Image.new("RGB", base.size, (rng.randrange(256), rng.randrange(256), rng.randrange(256)))
    grain = Image.effect_noise(base.size, 12).convert("RGB")
    image = ImageChops.add(ImageChops.multiply(base, tint), grain, scale=1.3)
    out = BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


def unique(jpeg: bytes, n: int) -> bytes:
    """The same picture with a comment of its own: other bytes, so another file to store."""
    comment = f"photo {n}".encode()
    segment = b"\xff\xfe" + (len(comment) + 2).to_bytes(2, "big") + comment
    return jpeg[:2] + segment + jpeg[2:]


def setup_shop(workdir: Path) -> None:
    os.environ["KHAOS_SYNC_DATA_DIR"] = str(workdir / "shop")
    os.environ["DJANGO_SETTINGS_MODULE"] = "khaos_sync.shop.settings"
    os.environ["KHAOS_SYNC_SHOP_SEARCH_BACKEND"] = "simple"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def create_products(count: int) -> list[tuple[str, list[str]]]:
    """Bound products; the first half list Khaos image paths, the rest rely on codes."""
    from django.utils import timezone
    from oscar.core.loading import get_model

    from khaos_sync.sync.catalogue.models import ProductBinding

    product_model = get_model("catalogue", "Product")
    product_class = get_model("catalogue", "ProductClass").objects.create(name="Khaos item")
    products = product_model.objects.bulk_create(
        product_model(
            title=f"Item {i}",
            upc=f"ITEM-{i:05d}",
            slug=f"item-{i}",
            structure="standalone",
            product_class=product_class,
        )
        for i in range(count)
    )
    layout = []
    bindings = []
    for i, product in enumerate(products):
        files = (
            [f"P:\\Images\\Brand {i % 7}\\{i} {n}.jpg" for n in (1, 2)] if i < count // 2 else []
        )
        layout.append((product.upc, files))
        bindings.append(
            ProductBinding(
                stock_id=str(i),
                product=product,
                stock_code=product.upc,
                structure="standalone",
                synced_hash="-",
                synced_at=timezone.now(),
                image_files=files,
            )
        )
    ProductBinding.objects.bulk_create(bindings)
    return layout


def build_zip(path: Path, layout: list[tuple[str, list[str]]], pixels: int) -> list[bytes]:
    rng = random.Random(1)
    pool = [photo(rng, pixels) for _ in range(20)]
    photos = []
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for code, files in layout:
            names = [f.rsplit("\\", 1)[-1] for f in files] or [f"{code}.jpg", f"{code}_2.jpg"]
            for name in names:
                data = unique(pool[len(photos) % len(pool)], len(photos))
                photos.append(data)
                archive.writestr(name, data)
    return photos


def timed_import(archive: Path) -> tuple[float, Any]:
    from khaos_sync.sync.images.jobs import create_job, run_job

    job = create_job(archive, archive.name)
    started = time.perf_counter()
    job = run_job(job.pk)
    return time.perf_counter() - started, job


def verify_floor(photos: list[bytes]) -> float:
    from khaos_sync.mappers.verify import verify_image
    from khaos_sync.sync.images.importer import image_limits

    limits = image_limits()
    started = time.perf_counter()
    for data in photos:
        verify_image(data, limits)
    return time.perf_counter() - started


def run(args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    setup_shop(workdir)
    layout = create_products(args.images // 2)
    archive = workdir / "photos.zip"
    started = time.perf_counter()
    photos = build_zip(archive, layout, args.pixels)
    generation = time.perf_counter() - started
    megabytes = sum(len(p) for p in photos) / 1e6
    first, job = timed_import(archive)
    again, job_again = timed_import(archive)
    floor = verify_floor(photos)
    return {
        "images": len(photos),
        "pixels": f"{args.pixels}x{args.pixels}",
        "mean_kb": round(megabytes * 1000 / len(photos), 1),
        "zip_mb": round(archive.stat().st_size / 1e6, 1),
        "generation_s": round(generation, 1),
        "first_import_s": round(first, 2),
        "first_images_per_s": round(len(photos) / first, 1),
        "first_mb_per_s": round(megabytes / first, 1),
        "first_counts": job.report["counts"],
        "reimport_s": round(again, 2),
        "reimport_images_per_s": round(len(photos) / again, 1),
        "reimport_created": job_again.report["counts"]["created"],
        "verify_only_s": round(floor, 2),
        "verify_only_images_per_s": round(len(photos) / floor, 1),
        "peak_rss_mb": round(peak_rss_mb(), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=1000)
    parser.add_argument("--pixels", type=int, default=800, help="width and height of each photo")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="khaos-images-bench-"))
    try:
        print(json.dumps(run(args, workdir), indent=2))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
