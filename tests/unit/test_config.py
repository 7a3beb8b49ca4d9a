"""Configuration errors name the key and the problem."""

import logging
import re
import ssl

import certifi
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
        ('[shop]\nsearch_backend = "postgres"\n', 'search_backend "postgres" needs a PostgreSQL'),
        ("[shop\n", "not valid TOML"),
    ],
)
def test_bad_values_are_refused_with_a_specific_message(tmp_path, text, message):
    with pytest.raises(ConfigError, match=message.replace("[", r"\[").replace(".", r"\.")):
        load(write(tmp_path, text))


def test_the_postgres_search_backend_goes_with_a_postgres_database(tmp_path):
    text = '[shop]\nsearch_backend = "postgres"\ndatabase_url = "postgres://shop@db/shop"\n'
    assert load(write(tmp_path, text)).get("shop", "search_backend") == "postgres"


def test_missing_explicit_file_is_an_error(tmp_path):
    with pytest.raises(ConfigError, match="does not exist"):
        load({"KHAOS_SYNC_CONFIG": str(tmp_path / "nope.toml")})


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[orders]\nbatch_size = true\n", "orders.batch_size must be a whole number, got True"),
        ("[orders]\nmax_attempts = 2.9\n", "orders.max_attempts must be a whole number, got 2.9"),
        ("[khaos]\ntimeout = true\n", "khaos.timeout must be a number, got True"),
        ("[khaos]\nstock_sites = [1, true]\n", "khaos.stock_sites must be a list of whole numbers"),
        ("[khaos]\nstock_sites = [1.5]\n", "khaos.stock_sites must be a list of whole numbers"),
    ],
)
def test_booleans_and_fractions_are_not_numbers(tmp_path, text, message):
    with pytest.raises(ConfigError, match=re.escape(message)):
        load(write(tmp_path, text))


@pytest.mark.parametrize(
    ("name", "value"),
    [("KHAOS_SYNC_ORDERS_BATCH_SIZE", "true"), ("KHAOS_SYNC_ORDERS_MAX_ATTEMPTS", "2.9")],
)
def test_booleans_and_fractions_are_refused_from_the_environment_too(tmp_path, name, value):
    with pytest.raises(ConfigError, match="must be a whole number"):
        load({"KHAOS_SYNC_DATA_DIR": str(tmp_path), name: value})


@pytest.mark.parametrize("value", ["[1, 2]", "1,2", " [1,2] ", "1, 2"])
def test_a_list_in_the_environment_may_be_written_as_toml_or_with_commas(tmp_path, value):
    config = load({"KHAOS_SYNC_DATA_DIR": str(tmp_path), "KHAOS_SYNC_KHAOS_STOCK_SITES": value})
    assert config.get("khaos", "stock_sites") == [1, 2]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('["shop.example", "www.shop.example"]', ["shop.example", "www.shop.example"]),
        ("[::1],localhost", ["[::1]", "localhost"]),
    ],
)
def test_a_text_list_in_the_environment_too(tmp_path, value, expected):
    config = load({"KHAOS_SYNC_DATA_DIR": str(tmp_path), "KHAOS_SYNC_SHOP_ALLOWED_HOSTS": value})
    assert config.get("shop", "allowed_hosts") == expected


def test_a_toml_list_of_the_wrong_kind_is_refused_by_name(tmp_path):
    with pytest.raises(ConfigError, match=r"khaos\.stock_sites must be a list of whole numbers"):
        load({"KHAOS_SYNC_DATA_DIR": str(tmp_path), "KHAOS_SYNC_KHAOS_STOCK_SITES": '["a"]'})


def test_whole_numbers_written_as_decimals_still_count(tmp_path):
    config = load(write(tmp_path, "[orders]\nmax_attempts = 3.0\n[khaos]\ntimeout = 12\n"))
    assert config.get("orders", "max_attempts") == 3
    assert config.get("khaos", "timeout") == 12.0


def test_unknown_khaos_sync_variables_are_named_in_a_warning(tmp_path, caplog):
    env = {
        "KHAOS_SYNC_DATA_DIR": str(tmp_path),
        "KHAOS_SYNC_KHAOS_URLL": "https://k.example/ws",
        "KHAOS_SYNC_ORDERS_BATCH_SIZE": "10",
        "OTHER_THING": "x",
    }
    with caplog.at_level(logging.WARNING, logger="khaos_sync.config"):
        load(env)
    warnings = [r.getMessage() for r in caplog.records]
    assert any(
        "KHAOS_SYNC_KHAOS_URLL" in w and "did you mean KHAOS_SYNC_KHAOS_URL?" in w for w in warnings
    ), warnings
    assert not any("BATCH_SIZE" in w or "OTHER_THING" in w for w in warnings)


def test_a_weak_secret_key_is_refused_outside_debug(tmp_path):
    with pytest.raises(ConfigError, match=r"shop\.secret_key is too weak"):
        load(write(tmp_path, '[shop]\nsecret_key = "changeme"\n'))
    debug = load(write(tmp_path, '[shop]\nsecret_key = "changeme"\ndebug = true\n'))
    assert debug.get("shop", "secret_key") == "changeme"
    strong = "k" * 20 + "-Qz9" + "x" * 30
    assert load(write(tmp_path, f'[shop]\nsecret_key = "{strong}"\n')).get("shop", "secret_key")


def test_the_ca_bundle_is_checked_at_start(tmp_path):
    with pytest.raises(ConfigError, match=r"khaos\.ca_bundle: .*missing\.pem does not exist"):
        load(write(tmp_path, f'[khaos]\nca_bundle = "{tmp_path / "missing.pem"}"\n'))
    junk = tmp_path / "junk.pem"
    junk.write_text("not a certificate\n")
    with pytest.raises(ConfigError, match="is not a readable PEM bundle"):
        load(write(tmp_path, f'[khaos]\nca_bundle = "{junk}"\n'))


def test_the_ca_bundle_of_the_system_is_accepted(tmp_path):
    bundle = ssl.get_default_verify_paths().cafile or certifi.where()
    config = load(write(tmp_path, f'[khaos]\nca_bundle = "{bundle}"\n'))
    assert config.get("khaos", "ca_bundle") == bundle


@pytest.mark.parametrize(
    "url",
    ["ftp://shop:hunter2-secret@k.example/ws", "shop:hunter2-secret@k.example/ws"],
)
def test_a_refused_url_is_shown_without_its_password(tmp_path, url):
    with pytest.raises(ConfigError) as refused:
        load({"KHAOS_SYNC_DATA_DIR": str(tmp_path), "KHAOS_SYNC_KHAOS_URL": url})
    assert "hunter2-secret" not in str(refused.value)
    assert "shop:***@k.example" in str(refused.value)
