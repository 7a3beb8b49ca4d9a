"""A shop set up by ``khaos-sync init`` once per test process, copied for each CLI test.

``init`` migrates a new SQLite database and collects the static files, which takes far
longer than copying the result. Tests about ``init`` itself start from an empty data dir;
tests that only need a shop that is set up take a copy of this one.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

KHAOS_SYNC = [sys.executable, "-m", "khaos_sync.cli"]
ADMIN_PASSWORD = "set-up-shop-1"


def cli_env(data_dir: Path) -> dict[str, str]:
    """The environment of a person running the command line on an embedded SQLite shop."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KHAOS_SYNC_", "DJANGO_"))}
    env.pop("DATABASE_URL", None)  # an embedded SQLite shop, whatever the suite runs on
    env["KHAOS_SYNC_DATA_DIR"] = str(data_dir)
    return env


@pytest.fixture(scope="session")
def set_up_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data dir after ``khaos-sync init --no-input``; copy it, never change it.

    Parallel workers share one: the first to need it sets it up, holding a lock the
    others wait on (the folder above a worker's own is the whole run's).
    """
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent
    data_dir = root / "set-up-shop" / "data"
    with open(root / "set-up-shop.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (data_dir.parent / "done").exists():
            shutil.rmtree(data_dir.parent, ignore_errors=True)
            data_dir.parent.mkdir()
            initialise(data_dir)
            (data_dir.parent / "done").touch()
    return data_dir


def initialise(data_dir: Path) -> None:
    env = {**cli_env(data_dir), "KHAOS_SYNC_ADMIN_PASSWORD": ADMIN_PASSWORD}
    result = subprocess.run(
        [*KHAOS_SYNC, "init", "--no-input"], env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


def copy_set_up_shop(template: Path, data_dir: Path) -> Path:
    """A shop of its own for a test: the set-up data dir copied, its file modes kept."""
    shutil.copytree(template, data_dir, symlinks=True)
    return data_dir


@pytest.fixture
def set_up_env(tmp_path: Path, set_up_data_dir: Path) -> dict[str, str]:
    """The CLI environment of a shop that ``init`` has set up, in the test's own data dir."""
    return cli_env(copy_set_up_shop(set_up_data_dir, tmp_path / "data"))
