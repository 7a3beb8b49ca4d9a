"""Security of a shop set up from the command line: groups, file modes, deploy checks, logs."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
from pathlib import Path

import httpx

from tests.integration.shop.test_cli import (  # noqa: F401  (fresh_env is a fixture)
    KHAOS_SYNC,
    free_port,
    fresh_env,
    run,
    wait_until_up,
)


def khaos_permissions_of(database: Path, group: str) -> set[str]:
    with sqlite3.connect(database) as db:
        rows = db.execute(
            "SELECT p.codename FROM auth_group g"
            " JOIN auth_group_permissions gp ON gp.group_id = g.id"
            " JOIN auth_permission p ON p.id = gp.permission_id WHERE g.name = ?",
            (group,),
        ).fetchall()
    return {codename for (codename,) in rows}


def test_init_creates_the_khaos_operator_group(fresh_env):  # noqa: F811
    first = run(["init"], fresh_env)
    assert first.returncode == 0, first.stderr
    assert "group: created 'Khaos operator'" in first.stdout

    database = Path(fresh_env["KHAOS_SYNC_DATA_DIR"]) / "shop.sqlite3"
    assert khaos_permissions_of(database, "Khaos operator") == {
        "view_khaos",
        "operate_khaos",
        "import_customers",
        "import_images",
    }
    again = run(["init"], fresh_env)
    assert again.returncode == 0 and "group: created" not in again.stdout


def test_the_web_process_refuses_a_short_metrics_token_like_the_worker(fresh_env):  # noqa: F811
    fresh_env["KHAOS_SYNC_WORKER_METRICS_TOKEN"] = "abc"
    for command in (["manage", "check"], ["worker", "--once"]):
        result = run(command, fresh_env)
        assert result.returncode != 0, command
        assert "worker.metrics_token is 3 characters long; use at least 16" in result.stderr
        assert "Traceback" not in result.stderr


def documented_production_config() -> str:
    """The TOML block of docs/operations.md's "Security" section."""
    text = (Path(__file__).parents[3] / "docs" / "operations.md").read_text()
    security = text.split("## Security", 1)[1]
    return security.split("```toml\n", 1)[1].split("```", 1)[0]


def test_the_documented_production_config_passes_the_deploy_check(fresh_env):  # noqa: F811
    data = Path(fresh_env["KHAOS_SYNC_DATA_DIR"])
    data.mkdir()
    (data / "khaos-sync.toml").write_text(documented_production_config())

    result = run(["manage", "check", "--deploy", "--fail-level", "WARNING"], fresh_env)

    assert result.returncode == 0, result.stderr
    assert "no issues (0 silenced)" in result.stdout


def test_without_https_the_deploy_check_names_what_is_missing(fresh_env):  # noqa: F811
    data = Path(fresh_env["KHAOS_SYNC_DATA_DIR"])
    data.mkdir()
    config = documented_production_config().replace("https = true\n", "")
    (data / "khaos-sync.toml").write_text(config)

    result = run(["manage", "check", "--deploy", "--fail-level", "WARNING"], fresh_env)

    assert result.returncode != 0
    for check in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert check in result.stderr + result.stdout


def mode(path: Path) -> str:
    return oct(path.stat().st_mode & 0o777)


def test_init_leaves_the_data_dir_and_database_private_whatever_the_umask(fresh_env):  # noqa: F811
    data = Path(fresh_env["KHAOS_SYNC_DATA_DIR"])
    data.mkdir(mode=0o755)
    data.chmod(0o755)  # as an earlier version, or a careless mkdir, left it

    result = run(["init"], fresh_env, preexec_fn=lambda: os.umask(0o022))

    assert result.returncode == 0, result.stderr
    assert mode(data) == "0o700"
    databases = sorted(data.glob("shop.sqlite3*"))
    assert databases and {mode(path) for path in databases} == {"0o600"}, databases
    assert mode(data / "secret_key") == "0o600"


def test_gunicorn_logs_every_line_as_json(set_up_env):
    # `serve` refuses a database that is not set up.
    port = free_port()
    server = subprocess.Popen(
        [*KHAOS_SYNC, "serve", "--port", str(port), "--workers", "1"],
        env=set_up_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_until_up(f"http://127.0.0.1:{port}/health")
        httpx.get(f"http://127.0.0.1:{port}/health?token=not-for-the-log", timeout=10)
    finally:
        server.terminate()
        _, stderr = server.communicate(timeout=60)

    lines = [line for line in stderr.splitlines() if line.strip()]
    entries = [json.loads(line) for line in lines]  # fails on any plain-text line
    loggers = {entry["logger"] for entry in entries}
    assert {"gunicorn.error", "gunicorn.access"} <= loggers, lines
    access = [e for e in entries if e["logger"] == "gunicorn.access" and e["status"] == 200]
    assert access[-1]["method"] == "GET" and access[-1]["path"] == "/health"
    assert isinstance(access[-1]["duration_ms"], float)
    assert "not-for-the-log" not in stderr
