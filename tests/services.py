"""The shared services of a shop on several machines: a real Redis and moto's S3 server.

Each test gets a Redis key prefix of its own and a bucket of its own, so tests running
in parallel (pytest-xdist) never see each other's keys or files. Where Redis or moto
is missing the tests are skipped with a notice, unless REQUIRE_REDIS=1 / REQUIRE_S3=1
(as in CI), which makes it a failure.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from khaos_sync.shop import services

REDIS_URL = os.environ.get("KHAOS_SYNC_TEST_REDIS", "redis://127.0.0.1:6379/0")


def unavailable(service: str, flag: str, why: str) -> None:
    if os.environ.get(flag) == "1":
        pytest.fail(f"{service} is required ({flag}=1) but {why}")
    pytest.skip(f"{service} not available ({why}): test skipped")


@pytest.fixture
def redis_cache(settings: Any) -> Iterator[str]:
    """Django's cache on the real Redis, under a key prefix only this test uses."""
    try:
        import redis
    except ImportError:
        unavailable("Redis", "REQUIRE_REDIS", "the redis package is not installed")
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError as exc:
        unavailable("Redis", "REQUIRE_REDIS", f"{REDIS_URL} does not answer: {exc}")
    prefix = f"khaos-sync-test-{uuid.uuid4().hex[:12]}"
    caches = services.cache_settings(REDIS_URL)
    caches["default"]["KEY_PREFIX"] = prefix
    settings.CACHES = caches
    yield prefix
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)
    client.close()


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """moto's S3 server on a free port, over real HTTP, for this test process."""
    try:
        from moto.server import ThreadedMotoServer
    except ImportError as exc:
        unavailable("moto's S3 server", "REQUIRE_S3", f"moto[server] is not installed ({exc})")
    for name, value in (
        ("AWS_ACCESS_KEY_ID", "testing"),
        ("AWS_SECRET_ACCESS_KEY", "testing"),
        ("AWS_DEFAULT_REGION", "eu-west-2"),
    ):
        os.environ.setdefault(name, value)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


def s3_media(endpoint: str, bucket: str) -> dict[str, Any]:
    return {
        "storage": "s3",
        "bucket": bucket,
        "endpoint_url": endpoint,
        "region": "eu-west-2",
        "custom_domain": "",
    }


@pytest.fixture
def s3_bucket(settings: Any, s3_endpoint: str) -> str:
    """A fresh bucket on moto's server, made the shop's media and reports storage."""
    import boto3

    bucket = f"khaos-test-{uuid.uuid4().hex[:16]}"
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="eu-west-2")
    client.create_bucket(
        Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "eu-west-2"}
    )
    settings.STORAGES = services.storage_settings(s3_media(s3_endpoint, bucket), settings.DATA_DIR)
    return bucket


def bucket_keys(endpoint: str, bucket: str) -> list[str]:
    import boto3

    client = boto3.client("s3", endpoint_url=endpoint, region_name="eu-west-2")
    pages = client.get_paginator("list_objects_v2").paginate(Bucket=bucket)
    return sorted(item["Key"] for page in pages for item in page.get("Contents", []))
