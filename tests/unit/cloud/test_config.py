"""The [cloud] section and the transport switch."""

from __future__ import annotations

import pytest

from khaos_sync.config import ConfigError, load


def test_soap_is_the_default_transport(tmp_path) -> None:
    config = load({"KHAOS_SYNC_DATA_DIR": str(tmp_path)})
    assert config.get("khaos", "transport") == "soap"
    assert config.get("cloud", "page_size") == 1000


def test_the_cloud_transport_needs_the_channel_credentials(tmp_path) -> None:
    env = {"KHAOS_SYNC_DATA_DIR": str(tmp_path), "KHAOS_SYNC_KHAOS_TRANSPORT": "cloud"}
    with pytest.raises(ConfigError, match=r"set cloud\.username and cloud\.password"):
        load(env)
    env |= {"KHAOS_SYNC_CLOUD_USERNAME": "kcc", "KHAOS_SYNC_CLOUD_PASSWORD": "pw"}
    config = load(env)
    assert (config.get("cloud", "username"), config.get("cloud", "password")) == ("kcc", "pw")


def test_unknown_transport_is_named(tmp_path) -> None:
    env = {"KHAOS_SYNC_DATA_DIR": str(tmp_path), "KHAOS_SYNC_KHAOS_TRANSPORT": "ftp"}
    with pytest.raises(ConfigError, match=r"khaos\.transport must be one of soap, cloud"):
        load(env)
