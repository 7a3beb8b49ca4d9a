"""The [worker] settings: defaults, range messages, and the rules between keys."""

from __future__ import annotations

import pytest

from khaos_sync.config import ConfigError, _warned, load
from khaos_sync.worker.rules import worker_problems


def settings_from(tmp_path, text: str = "", **env: str):  # type: ignore[no-untyped-def]
    (tmp_path / "khaos-sync.toml").write_text(text)
    return load({"KHAOS_SYNC_DATA_DIR": str(tmp_path), **env}).values


def test_defaults_follow_khaos_guidance(tmp_path):
    values = settings_from(tmp_path)
    assert values["stock"]["interval_minutes"] == 30
    assert values["catalogue"]["interval_minutes"] == 60
    assert values["status"]["interval_minutes"] == 15
    assert values["orders"]["poll_seconds"] == 2.0
    assert values["worker"]["dry_run"] is False


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (("worker", "stock_minutes"), ("stock", "interval_minutes")),
        (("worker", "catalogue_minutes"), ("catalogue", "interval_minutes")),
        (("worker", "status_minutes"), ("status", "interval_minutes")),
        (("worker", "orders_seconds"), ("orders", "poll_seconds")),
    ],
)
def test_an_old_interval_key_still_counts_under_its_new_name_with_a_warning(
    tmp_path, caplog, old, new
):
    _warned.clear()
    values = settings_from(tmp_path, f"[{old[0]}]\n{old[1]} = 20\n")
    assert values[new[0]][new[1]] == 20
    assert f"{old[0]}.{old[1]} is deprecated" in caplog.text
    assert f"rename it {new[0]}.{new[1]}" in caplog.text


def test_an_old_interval_key_from_the_environment_counts_too(tmp_path, caplog):
    _warned.clear()
    values = settings_from(tmp_path, KHAOS_SYNC_WORKER_STOCK_MINUTES="7")
    assert values["stock"]["interval_minutes"] == 7
    assert "worker.stock_minutes is deprecated" in caplog.text
    assert "unknown environment variable" not in caplog.text


def test_old_and_new_interval_keys_together_are_refused(tmp_path):
    text = "[worker]\nstock_minutes = 20\n[stock]\ninterval_minutes = 30\n"
    with pytest.raises(
        ConfigError, match=r"worker\.stock_minutes was renamed stock\.interval_minutes"
    ):
        settings_from(tmp_path, text)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[stock]\ninterval_minutes = 0\n", "stock.interval_minutes must be between 1 and 1440"),
        ("[worker]\nstock_minutes = 0\n", "stock.interval_minutes must be between 1 and 1440"),
        ("[orders]\npoll_seconds = 'soon'\n", "orders.poll_seconds must be a number"),
        ("[worker]\ndry_run = 'maybe'\n", "worker.dry_run must be true or false"),
        ("[worker]\nstock_minute = 5\n", "unknown key worker.stock_minute"),
        # The web process checks the same token, so the rule applies when loading.
        (
            '[worker]\nmetrics_token = "abc"\n',
            "worker.metrics_token is 3 characters long; use at least 16",
        ),
    ],
)
def test_bad_values_name_the_key(tmp_path, text, message):
    with pytest.raises(ConfigError, match=message):
        settings_from(tmp_path, text)


def test_environment_overrides(tmp_path):
    values = settings_from(tmp_path, KHAOS_SYNC_WORKER_DRY_RUN="yes")
    assert values["worker"]["dry_run"] is True


def test_a_configuration_that_works_has_no_problems(tmp_path):
    values = settings_from(tmp_path, '[khaos]\nurl = "https://khaos.example/soap"\n')
    assert worker_problems(values) == []


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "khaos.url is empty"),
        (
            '[khaos]\nurl = "https://k.example/s"\n[orders]\npoll_seconds = 900\n'
            "[status]\ninterval_minutes = 10\n",
            "orders.poll_seconds (900) must be shorter than status.interval_minutes (10 min)",
        ),
        (
            '[khaos]\nurl = "https://k.example/s"\n[stock]\ninterval_minutes = 1440\n'
            "[catalogue]\ninterval_minutes = 30\n",
            "stock levels would lag far behind",
        ),
    ],
)
def test_rules_between_keys(tmp_path, text, message):
    problems = worker_problems(settings_from(tmp_path, text))
    assert any(message in problem for problem in problems), problems
