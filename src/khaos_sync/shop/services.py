"""The services several shop servers share: cache, sessions and file storage, as Django settings.

The embedded defaults need nothing shared: each process caches in its own memory,
sessions live in the database, and files on the data dir's disk. A shop on several
machines points them all at one Redis (``[shop] cache_url``) and one S3-compatible
bucket (``[media] storage = "s3"``); see docs/operations.md, "Several machines".
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from khaos_sync.files import PRIVATE_DIR, PRIVATE_FILE

# Every key the shop caches starts with this, so a Redis database shared with
# something else still tells the shop's keys apart.
CACHE_PREFIX = "khaos-sync"
# A cache that does not answer must not hold a checkout for long: the stock
# cache and rate limits treat an error as a miss.
REDIS_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 5, "health_check_interval": 30}

SESSION_ENGINES = {
    "database": "django.contrib.sessions.backends.db",
    # Redis alone: quickest, but a flushed or lost Redis signs every customer out.
    "cache": "django.contrib.sessions.backends.cache",
    # Written to both, read from the cache: survives a lost Redis.
    "cached_db": "django.contrib.sessions.backends.cached_db",
}

# Where files go in a bucket: media is public (product images), reports are not.
MEDIA_PREFIX = "media"
REPORTS_PREFIX = "private"


def cache_settings(cache_url: str) -> dict[str, dict[str, Any]]:
    if not cache_url:
        return {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": cache_url,
            "KEY_PREFIX": CACHE_PREFIX,
            "OPTIONS": dict(REDIS_OPTIONS),
        }
    }


def session_engine(sessions: str) -> str:
    return SESSION_ENGINES[sessions]


def storage_settings(media: Mapping[str, Any], data_dir: Path) -> dict[str, dict[str, Any]]:
    """``default`` for media (product images), ``reports`` for import reports, and static files."""
    static = {"BACKEND": "khaos_sync.shop.static_storage.StaticFilesStorage"}
    if media["storage"] == "s3":
        return {"default": s3_media(media), "reports": s3_reports(media), "staticfiles": static}
    return {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        # Reports hold customer data: owner-only files in the data dir, never under media/.
        "reports": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {
                "location": str(data_dir),
                "base_url": None,
                "file_permissions_mode": PRIVATE_FILE,
                "directory_permissions_mode": PRIVATE_DIR,
            },
        },
        "staticfiles": static,
    }


def s3_options(media: Mapping[str, Any]) -> dict[str, Any]:
    """Bucket, endpoint and region; the credentials come from the environment
    (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, or an instance role), never the file."""
    from botocore.config import Config

    return {
        "bucket_name": media["bucket"],
        "endpoint_url": media["endpoint_url"] or None,
        "region_name": media["region"] or None,
        # A storage that does not answer fails a request in seconds, not minutes.
        "client_config": Config(
            connect_timeout=5, read_timeout=30, retries={"max_attempts": 3, "mode": "standard"}
        ),
    }


def s3_media(media: Mapping[str, Any]) -> dict[str, Any]:
    return {
        # S3Storage, built with these options even by sorl-thumbnail (khaos_sync.shop.media).
        "BACKEND": "khaos_sync.shop.media.MediaStorage",
        "OPTIONS": {
            **s3_options(media),
            "location": MEDIA_PREFIX,
            "custom_domain": media["custom_domain"] or None,
            # Product images are public: plain, cacheable addresses.
            "querystring_auth": False,
            # As on disk: an upload never replaces another file of the same name.
            "file_overwrite": False,
        },
    }


def s3_reports(media: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            **s3_options(media),
            "location": REPORTS_PREFIX,
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": True,
        },
    }
