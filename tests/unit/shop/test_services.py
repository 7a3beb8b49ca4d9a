"""The shared services' settings: what a retailer writes, and the mistakes refused at start."""

from __future__ import annotations

import pytest

from khaos_sync.config import ConfigError, load
from khaos_sync.shop import services


def config_from(tmp_path, text: str):
    (tmp_path / "khaos-sync.toml").write_text(text)
    return load({"KHAOS_SYNC_DATA_DIR": str(tmp_path)})


def test_one_machine_needs_nothing_shared(tmp_path):
    config = load({"KHAOS_SYNC_DATA_DIR": str(tmp_path)})
    shop, media = config.values["shop"], config.values["media"]

    assert services.cache_settings(shop["cache_url"])["default"]["BACKEND"].endswith("LocMemCache")
    assert services.session_engine(shop["sessions"]) == "django.contrib.sessions.backends.db"
    storages = services.storage_settings(media, tmp_path)
    assert storages["default"]["BACKEND"].endswith("FileSystemStorage")
    assert storages["reports"]["OPTIONS"]["location"] == str(tmp_path)


def test_several_machines_share_redis_and_a_bucket(tmp_path):
    config = config_from(
        tmp_path,
        '[shop]\ncache_url = "redis://cache.internal:6379/1"\nsessions = "cached_db"\n'
        '[media]\nstorage = "s3"\nbucket = "shop-media"\nregion = "eu-west-2"\n',
    )
    shop, media = config.values["shop"], config.values["media"]

    cache = services.cache_settings(shop["cache_url"])["default"]
    assert cache["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert cache["LOCATION"] == "redis://cache.internal:6379/1"
    assert services.session_engine(shop["sessions"]).endswith("cached_db")
    storages = services.storage_settings(media, tmp_path)
    assert storages["default"]["OPTIONS"]["bucket_name"] == "shop-media"
    assert storages["default"]["OPTIONS"]["location"] == "media"
    assert storages["reports"]["OPTIONS"]["location"] == "private"
    assert storages["reports"]["OPTIONS"]["default_acl"] == "private"
    # The credentials come from the environment, never from the file.
    assert "access_key" not in storages["default"]["OPTIONS"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[shop]\ncache_url = "memcached://x"\n', "shop.cache_url must be a redis or rediss URL"),
        ('[shop]\nsessions = "cache"\n', "shop.sessions is cache: set shop.cache_url"),
        ('[shop]\nsessions = "files"\n', "shop.sessions must be one of database, cache, cached_db"),
        ('[media]\nstorage = "s3"\n', "media.storage is s3: set media.bucket"),
        ('[media]\nstorage = "gcs"\n', "media.storage must be one of local, s3"),
    ],
)
def test_mistakes_are_refused_at_start_naming_the_key(tmp_path, text, message):
    with pytest.raises(ConfigError, match=message):
        config_from(tmp_path, text)
