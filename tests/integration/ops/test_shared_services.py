"""Several servers sharing one Redis and one S3-compatible bucket (docs/operations.md).

Against the real Redis at 127.0.0.1:6379 and moto's S3 server over HTTP (tests/services.py).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import boto3
import pytest
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone
from oscar.core.loading import get_model

from khaos_sync.shop import services
from khaos_sync.sync.core.metrics import exposition
from khaos_sync.sync.customers.models import CustomerImport
from khaos_sync.sync.customers.report import Entry, Report, store_report
from khaos_sync.sync.stock.live import FRESH_KEY
from tests.integration.images.conftest import bound_product
from tests.integration.images.support import import_images
from tests.services import REDIS_URL, bucket_keys, s3_media
from tests.unit.images import pictures
from tests.unit.images.pictures import RED, close_to, colour_of

ProductImage = get_model("catalogue", "ProductImage")

pytestmark = pytest.mark.django_db


def dependency_up() -> dict[str, float]:
    lines = exposition().decode().splitlines()
    found = {}
    for line in lines:
        if line.startswith("khaos_sync_dependency_up{"):
            label, value = line.split("} ")
            found[label.split('"')[1]] = float(value)
    return found


def another_server_cache(prefix: str) -> RedisCache:
    """The same Redis as another server's process sees it."""
    params = services.cache_settings(REDIS_URL)["default"]
    return RedisCache(REDIS_URL, {**params, "KEY_PREFIX": prefix})


def test_a_live_stock_answer_cached_by_one_server_is_seen_by_the_others(redis_cache):
    caches["default"].set(FRESH_KEY.format("BOOT-01"), True, 60)

    assert another_server_cache(redis_cache).get(FRESH_KEY.format("BOOT-01")) is True
    assert another_server_cache("someone-else").get(FRESH_KEY.format("BOOT-01")) is None


def test_sessions_in_the_cache_keep_a_customer_signed_in_on_every_server(
    redis_cache, settings, client, django_user_model
):
    settings.SESSION_ENGINE = services.session_engine("cache")
    customer = django_user_model.objects.create_user("ada", "ada@example.com", "a long passphrase")

    client.force_login(customer)

    assert client.get(reverse("customer:profile-view")).status_code == 200
    assert not Session.objects.exists()
    key = f"django.contrib.sessions.cache{client.session.session_key}"
    assert another_server_cache(redis_cache).get(key)["_auth_user_id"] == str(customer.pk)


def test_ready_when_database_redis_and_bucket_answer(redis_cache, s3_bucket, client):
    assert client.get("/health/ready").json() == {"status": "ok"}
    assert dependency_up() == {"database": 1, "cache": 1, "storage": 1, "search": 1}


def test_not_ready_while_redis_does_not_answer(settings, client):
    settings.CACHES = services.cache_settings("redis://127.0.0.1:9/0")

    answer = client.get("/health/ready")

    assert answer.status_code == 503 and answer.json() == {"status": "unavailable"}
    assert dependency_up() == {"database": 1, "cache": 0, "storage": 1, "search": 1}


def test_not_ready_while_the_bucket_is_missing(settings, s3_endpoint, client):
    missing = s3_media(s3_endpoint, "no-such-bucket")
    settings.STORAGES = services.storage_settings(missing, settings.DATA_DIR)

    assert client.get("/health/ready").status_code == 503
    assert dependency_up()["storage"] == 0


def test_imported_product_images_and_their_report_go_to_the_bucket(
    s3_bucket, s3_endpoint, tmp_path
):
    boot = bound_product("BOOT-01")
    job = import_images(
        pictures.write_folder(tmp_path / "in", [("BOOT-01.jpg", pictures.jpeg(RED))])
    )

    assert job.state == "done" and job.matched == 1
    image = ProductImage.objects.get(product=boot)
    keys = bucket_keys(s3_endpoint, s3_bucket)
    assert f"media/{image.original.name}" in keys
    assert f"private/{job.report_file}" in keys
    # Any server reads the file from the bucket and links the bucket's address.
    with default_storage.open(image.original.name, "rb") as stream:
        assert close_to(colour_of(stream.read()), RED)
    assert image.original.url.startswith(f"{s3_endpoint}/{s3_bucket}/media/images/khaos/")
    # Reports are private: the bucket does not hand them out without a signature.
    unsigned = boto3.client("s3", endpoint_url=s3_endpoint, region_name="eu-west-2")
    acl = unsigned.get_object_acl(Bucket=s3_bucket, Key=f"private/{job.report_file}")
    assert not any("AllUsers" in str(grant["Grantee"]) for grant in acl["Grants"])


def test_the_customer_report_is_downloaded_from_the_bucket(s3_bucket, s3_endpoint, admin_client):
    report = Report(dry_run=False, forced=False, company_classes=[], started_at=datetime.now(UTC))
    report.add(Entry("CU1", "1", "ada@example.com", "created"))
    json_name, csv_name = store_report(report, "reports/customers/customer-import-9")
    record = CustomerImport.objects.create(
        report_json=json_name, report_csv=csv_name, started_at=timezone.now()
    )

    assert f"private/{csv_name}" in bucket_keys(s3_endpoint, s3_bucket)
    answer = admin_client.get(reverse("khaos-customers:report-file", args=[record.pk, "csv"]))
    assert answer.status_code == 200
    assert answer["Content-Disposition"].startswith("attachment")
    assert b"ada@example.com" in b"".join(answer.streaming_content)
    body = admin_client.get(reverse("khaos-customers:report-file", args=[record.pk, "json"]))
    assert json.loads(b"".join(body.streaming_content))["records"] == 1


@pytest.fixture
def thumbnails_in_the_bucket(s3_bucket, settings):
    """sorl-thumbnail's storage as `serve` builds it with media in a bucket."""
    from django.utils.functional import empty
    from sorl.thumbnail import default

    settings.THUMBNAIL_STORAGE = settings.STORAGES["default"]["BACKEND"]
    default.storage._wrapped = empty
    yield
    default.storage._wrapped = empty


def test_thumbnails_are_made_in_the_bucket_and_found_again(
    thumbnails_in_the_bucket, s3_bucket, s3_endpoint, tmp_path
):
    from oscar.core.thumbnails import get_thumbnailer

    bound_product("LAMP-7")
    import_images(pictures.write_folder(tmp_path / "in", [("LAMP-7.jpg", pictures.jpeg(RED))]))
    image = ProductImage.objects.get()

    first = get_thumbnailer().generate_thumbnail(image.original, size="60x60")
    again = get_thumbnailer().generate_thumbnail(image.original, size="60x60")

    assert first.url == again.url
    assert first.url.startswith(f"{s3_endpoint}/{s3_bucket}/media/cache/")
    assert any(key.startswith("media/cache/") for key in bucket_keys(s3_endpoint, s3_bucket))
