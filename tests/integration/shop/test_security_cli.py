"""Security of a shop set up from the command line: groups, file modes, deploy checks, logs."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tests.integration.shop.test_cli import fresh_env, run  # noqa: F401  (fixture)


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
