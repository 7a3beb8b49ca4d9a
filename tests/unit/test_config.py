"""Configuration errors name the key and the problem."""

import pytest

from khaos_sync.config import ConfigError, load


def write(tmp_path, text):
    (tmp_path / "khaos-sync.toml").write_text(text)
    return {"KHAOS_SYNC_DATA_DIR": str(tmp_path)}


def test_defaults_without_a_file(tmp_path):
    config = load({"KHAOS_SYNC_DATA_DIR": str(tmp_path)})
    assert config.source is None
    assert config.get("shop", "debug") is False
    assert config.get("shop", "search_backend") == "whoosh"


def test_file_values_and_environment_overrides(tmp_path):
    env = write(tmp_path, '[shop]\nallowed_hosts = ["shop.example"]\n[khaos]\ntimeout = 12\n')
    env["KHAOS_SYNC_KHAOS_TIMEOUT"] = "45"
    env["DATABASE_URL"] = "postgres://u@db/shop"
    config = load(env)
    assert config.get("shop", "allowed_hosts") == ["shop.example"]
    assert config.get("khaos", "timeout") == 45.0
    assert config.get("shop", "database_url") == "postgres://u@db/shop"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[shop]\ndebugg = true\n", "unknown key shop.debugg"),
        ("[shopp]\n", "unknown section [shopp]"),
        ('[khaos]\nurl = "ftp://x"\n', "khaos.url must be a http or https URL"),
        ("[khaos]\ntimeout = 0\n", "khaos.timeout must be between 1"),
        ('[shop]\nsearch_backend = "lucene"\n', "shop.search_backend must be one of"),
        ('[shop]\ndatabase_url = "mysql://x"\n', "shop.database_url must start with"),
        ("[shop\n", "not valid TOML"),
    ],
)
def test_bad_values_are_refused_with_a_specific_message(tmp_path, text, message):
    with pytest.raises(ConfigError, match=message.replace("[", r"\[").replace(".", r"\.")):
        load(write(tmp_path, text))


def test_missing_explicit_file_is_an_error(tmp_path):
    with pytest.raises(ConfigError, match="does not exist"):
        load({"KHAOS_SYNC_CONFIG": str(tmp_path / "nope.toml")})
