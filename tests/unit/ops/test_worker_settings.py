"""The [worker] settings: defaults, range messages, and the rules between keys."""

from __future__ import annotations

import pytest

from khaos_sync.config import ConfigError, load
from khaos_sync.worker.rules import worker_problems


def settings_from(tmp_path, text: str = "", **env: str):  # type: ignore[no-untyped-def]
    (tmp_path / "khaos-sync.toml").write_text(text)
    return load({"KHAOS_SYNC_DATA_DIR": str(tmp_path), **env}).values


def test_defaults_follow_khaos_guidance(tmp_path):
    worker = settings_from(tmp_path)["worker"]
    assert worker["stock_minutes"] == 30
    assert worker["catalogue_minutes"] == 60
    assert worker["status_minutes"] == 15
    assert worker["orders_seconds"] == 5
    assert worker["dry_run"] is False


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[worker]\nstock_minutes = 0\n", "worker.stock_minutes must be between 1 and 1440"),
        ("[worker]\norders_seconds = 'soon'\n", "worker.orders_seconds must be a whole number"),
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
            '[khaos]\nurl = "https://k.example/s"\n[worker]\norders_seconds = 900\nstatus_minutes = 10\n',
            "worker.orders_seconds (900) must be shorter than worker.status_minutes (10 min)",
        ),
        (
            '[khaos]\nurl = "https://k.example/s"\n[worker]\nstock_minutes = 1440\ncatalogue_minutes = 30\n',
            "stock levels would lag far behind",
        ),
    ],
)
def test_rules_between_keys(tmp_path, text, message):
    problems = worker_problems(settings_from(tmp_path, text))
    assert any(message in problem for problem in problems), problems
