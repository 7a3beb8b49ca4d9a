"""The dashboard upload page: for those allowed to import images, CSRF-protected, size-limited, runs in the background."""

from __future__ import annotations

import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from oscar.test import factories

from khaos_sync.dashboard.access import IMPORT_IMAGES, VIEW
from khaos_sync.sync.images.models import ImageImportJob
from tests.access import staff_with
from tests.integration.images.conftest import bound_product
from tests.unit.images import pictures
from tests.unit.images.pictures import GREEN, RED

INDEX = "khaos-images:index"


@pytest.fixture
def staff(django_user_model):
    return staff_with(django_user_model, VIEW, IMPORT_IMAGES, username="staff@example.com")


def zip_upload(tmp_path, entries, name="photos.zip"):
    return upload_of(pictures.write_zip(tmp_path / name, entries))


def upload_of(path):
    """The file's bytes as an upload: nothing left open when the test ends."""
    return SimpleUploadedFile(path.name, path.read_bytes(), content_type="application/zip")


def test_only_staff_with_permission_reach_the_image_pages(client, db):
    customer = factories.UserFactory()
    job = ImageImportJob.objects.create(source="/nowhere.zip", label="x.zip")
    pages = [
        reverse(INDEX),
        reverse("khaos-images:job", kwargs={"pk": job.pk}),
        reverse("khaos-images:progress", kwargs={"pk": job.pk}),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 302, url
        assert "/login/" in response["Location"]
    client.force_login(customer)
    for url in pages:
        assert client.get(url).status_code == 403, url


def test_an_upload_without_the_csrf_token_is_rejected(db, staff, tmp_path):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(staff)

    response = browser.post(
        reverse(INDEX), {"archive": zip_upload(tmp_path, [("a.jpg", pictures.jpeg())])}
    )

    assert response.status_code == 403
    assert not ImageImportJob.objects.exists()


def test_an_upload_over_the_size_limit_is_refused_with_a_message(
    client, db, staff, tmp_path, image_limits
):
    image_limits(max_upload_bytes=4096)
    client.force_login(staff)
    big = pictures.write_zip(
        tmp_path / "big.zip", [("a.jpg", pictures.jpeg(size=(800, 800)))], deflate=False
    )

    response = client.post(reverse(INDEX), {"archive": upload_of(big)})

    assert response.status_code == 413
    assert "over the 4096 byte limit" in response.content.decode()
    assert not ImageImportJob.objects.exists()


def test_an_upload_that_is_not_a_zip_is_refused(client, db, staff, tmp_path):
    client.force_login(staff)
    fake = tmp_path / "photos.zip"
    fake.write_bytes(pictures.jpeg())

    response = client.post(reverse(INDEX), {"archive": upload_of(fake)})

    assert response.status_code == 400
    assert "photos.zip is not a ZIP archive." in response.content.decode()


def test_staff_upload_a_zip_and_see_the_report_when_the_background_job_ends(
    client, transactional_db, staff, tmp_path
):
    lamp = bound_product("LAMP-7")
    client.force_login(staff)
    upload = zip_upload(
        tmp_path,
        [
            ("LAMP-7.jpg", pictures.jpeg(RED)),
            ("LAMP-7_1.png", pictures.png(GREEN)),
            ("../x.jpg", pictures.jpeg()),
        ],
    )

    response = client.post(reverse(INDEX), {"archive": upload})

    assert response.status_code == 302
    job = ImageImportJob.objects.get()
    assert response["Location"] == reverse("khaos-images:job", kwargs={"pk": job.pk})
    progress = reverse("khaos-images:progress", kwargs={"pk": job.pk})
    deadline = time.monotonic() + 30
    while not (counts := client.get(progress).json())["finished"]:
        assert time.monotonic() < deadline, counts
        time.sleep(0.2)
    assert counts | {"error": ""} == counts
    assert (counts["state"], counts["total"], counts["matched"], counts["refused"]) == (
        "done",
        3,
        2,
        1,
    )
    assert lamp.images.count() == 2
    page = client.get(response["Location"]).content.decode()
    assert "unsafe path: parent folder (..)" in page
    assert "LAMP-7_1.png" in page
    listing = client.get(reverse(INDEX)).content.decode()
    assert "photos.zip" in listing
