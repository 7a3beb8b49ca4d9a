"""Importing a folder or ZIP of product images, as the retailer sends them (mapping §6)."""

from __future__ import annotations

import json
from pathlib import Path

from oscar.core.loading import get_model

from khaos_sync.sync.core.models import FailedItem
from tests.integration.images.conftest import bound_product, stored_files
from tests.integration.images.support import gallery, import_images, looks_like
from tests.unit.images import pictures
from tests.unit.images.pictures import BLUE, GREEN, RED, YELLOW

ProductImage = get_model("catalogue", "ProductImage")

BOOT_FILES = [
    "P:\\Images\\Hiking\\boot 1.jpg",
    "P:\\Images\\Hiking\\BOOT 2.jpg",
    "P:\\Images\\Hiking\\boot 3.jpg",
]


def test_files_khaos_names_land_in_khaos_order_whatever_order_they_arrive_in(db, tmp_path):
    boot = bound_product("BOOT-01", BOOT_FILES)
    folder = pictures.write_folder(
        tmp_path / "in",
        [
            ("Boot 3.JPG", pictures.png(BLUE)),
            ("boot 1.jpg", pictures.jpeg(RED)),
            ("sub/boot 2.jpg", pictures.webp(GREEN)),
        ],
    )

    job = import_images(folder)

    assert job.state == "done"
    assert looks_like(gallery(boot), [RED, GREEN, BLUE])
    assert list(boot.images.values_list("display_order", flat=True)) == [0, 1, 2]
    assert (job.total, job.matched, job.unmatched, job.refused) == (3, 3, 0, 0)


def test_stock_code_names_in_a_zip_give_the_main_image_then_the_numbered_ones(db, tmp_path):
    lamp = bound_product("LAMP-7")
    archive = pictures.write_zip(
        tmp_path / "lamp.zip",
        [
            ("lamp-7_2.png", pictures.png(BLUE)),
            ("LAMP-7.jpg", pictures.jpeg(RED)),
            ("Lamp-7_1.webp", pictures.webp(GREEN)),
        ],
    )

    job = import_images(archive)

    assert job.state == "done"
    assert looks_like(gallery(lamp), [RED, GREEN, BLUE])
    rules = {row["file"]: row["rule"] for row in job.report["matched"]}
    assert rules == {
        "lamp-7_2.png": "stock code and number",
        "LAMP-7.jpg": "stock code",
        "Lamp-7_1.webp": "stock code and number",
    }


def test_variant_images_go_to_the_variant_not_its_parent(db, tmp_path):
    parent = bound_product("TEE", structure="parent")
    red = bound_product("TEE-RED", ["P:\\Images\\TEE\\red 1.jpg"], structure="child", parent=parent)
    blue = bound_product("TEE-BLU", structure="child", parent=parent)
    archive = pictures.write_zip(
        tmp_path / "tee.zip",
        [
            ("TEE.jpg", pictures.jpeg(YELLOW)),
            ("red 1.jpg", pictures.jpeg(RED)),
            ("tee-blu.jpg", pictures.jpeg(BLUE)),
        ],
    )

    import_images(archive)

    assert looks_like(gallery(parent), [YELLOW])
    assert looks_like(gallery(red), [RED])
    assert looks_like(gallery(blue), [BLUE])


def test_the_same_file_twice_is_stored_once_and_sending_it_again_changes_nothing(
    db, tmp_path, settings
):
    boot = bound_product("BOOT-01", BOOT_FILES)
    same = pictures.jpeg(RED)
    archive = pictures.write_zip(
        tmp_path / "twice.zip",
        [("a/boot 1.jpg", same), ("b/boot 1.jpg", same), ("BOOT-01_1.jpg", same)],
    )

    first = import_images(archive)
    files = stored_files(Path(settings.MEDIA_ROOT))
    second = import_images(archive)

    assert boot.images.count() == 1
    assert len(files) == 1
    assert stored_files(Path(settings.MEDIA_ROOT)) == files
    assert [row["outcome"] for row in first.report["matched"]] == [
        "created",
        "duplicate",
        "duplicate",
    ]
    assert {row["outcome"] for row in second.report["matched"]} <= {"unchanged", "duplicate"}
    assert second.report["counts"]["created"] == 0


def test_a_changed_file_replaces_the_old_image_and_its_file(
    db, tmp_path, settings, django_capture_on_commit_callbacks
):
    boot = bound_product("BOOT-01", BOOT_FILES)
    import_images(pictures.write_folder(tmp_path / "v1", [("boot 1.jpg", pictures.jpeg(RED))]))
    old_files = stored_files(Path(settings.MEDIA_ROOT))

    with django_capture_on_commit_callbacks(execute=True):
        job = import_images(
            pictures.write_folder(tmp_path / "v2", [("BOOT 1.jpg", pictures.jpeg(BLUE))])
        )

    assert looks_like(gallery(boot), [BLUE])
    assert [row["outcome"] for row in job.report["matched"]] == ["replaced"]
    new_files = stored_files(Path(settings.MEDIA_ROOT))
    assert len(new_files) == 1
    assert new_files != old_files


def test_images_a_person_arranged_are_held(db, tmp_path):
    curated = bound_product("BOOT-01", BOOT_FILES, owned=["title", "images"])
    ProductImage.objects.create(product=curated, original="images/hand-picked.jpg", display_order=0)

    job = import_images(
        pictures.write_folder(tmp_path / "in", [("boot 1.jpg", pictures.jpeg(RED))])
    )

    assert list(curated.images.values_list("original", flat=True)) == ["images/hand-picked.jpg"]
    assert job.report["held"] == [{"file": "boot 1.jpg", "stock_code": "BOOT-01"}]
    assert job.held == 1


def test_bad_files_are_refused_with_reasons_and_nothing_of_them_is_written(
    db, tmp_path, settings, image_limits
):
    image_limits(max_pixels=1_000_000)
    bound_product("BOOT-01", BOOT_FILES)
    bound_product("GOOD")
    archive = pictures.write_zip(
        tmp_path / "mixed.zip",
        [
            ("boot 1.jpg", pictures.truncated_jpeg()),
            ("boot 2.jpg", pictures.grey_png((2000, 2000))),
            ("boot 3.jpg", pictures.gif()),
            ("../boot 1.jpg", pictures.jpeg()),
            ("C:\\Images\\BOOT-01.jpg", pictures.jpeg()),
            ("GOOD.jpg", pictures.jpeg(GREEN)),
        ],
    )

    job = import_images(archive)

    reasons = {row["file"]: row["reason"] for row in job.report["refused"]}
    assert reasons["boot 1.jpg"].startswith("damaged image")
    assert reasons["boot 2.jpg"].startswith("decompression bomb: 2000×2000")
    assert reasons["boot 3.jpg"] == "not a JPEG, PNG or WebP image"
    assert reasons["../boot 1.jpg"] == "unsafe path: parent folder (..)"
    assert reasons["C:\\Images\\BOOT-01.jpg"] == "unsafe path: Windows drive letter"
    assert [row["file"] for row in job.report["matched"]] == ["GOOD.jpg"]
    assert ProductImage.objects.count() == 1
    assert len(stored_files(Path(settings.MEDIA_ROOT))) == 1
    failures = FailedItem.objects.filter(flow="images")
    assert failures.count() == 5
    assert all(f.traceback and json.loads(f.payload)["reason"] for f in failures)


def test_the_report_lists_unmatched_files_and_products_still_without_images(db, tmp_path, settings):
    bound_product("BOOT-01", BOOT_FILES)
    bound_product("LAMP-7")
    bound_product("MUG-3")

    job = import_images(
        pictures.write_folder(
            tmp_path / "in", [("boot 2.jpg", pictures.jpeg()), ("banner.jpg", pictures.jpeg())]
        )
    )

    written = json.loads((Path(settings.DATA_DIR) / job.report_file).read_text())
    assert job.report_file == f"image-reports/import-{job.pk}.json"
    for report in (written, job.report):
        assert report["unmatched"] == ["banner.jpg"]
        assert report["products_without_images"] == ["LAMP-7", "MUG-3"]
        assert report["counts"]["matched_files"] == 1


def test_a_folder_that_does_not_exist_or_a_bad_zip_fails_the_job_with_a_message(db, tmp_path):
    not_zip = tmp_path / "photos.zip"
    not_zip.write_text("hello")

    job = import_images(not_zip)

    assert job.state == "failed"
    assert job.error == "photos.zip is not a ZIP archive"


def test_when_khaos_reorders_its_list_the_same_files_sent_again_follow_it(db, tmp_path):
    boot = bound_product("BOOT-01", BOOT_FILES)
    folder = pictures.write_folder(
        tmp_path / "in",
        [("boot 1.jpg", pictures.jpeg(RED)), ("boot 2.jpg", pictures.jpeg(GREEN))],
    )
    import_images(folder)
    boot.khaos.image_files = [BOOT_FILES[1], BOOT_FILES[0]]
    boot.khaos.save()

    job = import_images(folder)

    assert looks_like(gallery(boot), [GREEN, RED])
    assert job.report["counts"]["created"] == 0
