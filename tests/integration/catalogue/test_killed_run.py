"""A catalogue sync killed with kill -9 does not block the flow: the next run takes over."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.cli_fixtures import copy_set_up_shop

pytestmark = pytest.mark.slow

CLI = [sys.executable, "-m", "khaos_sync.cli"]


@pytest.fixture
def slow_simulator(start_simulator):
    sim = start_simulator(60, seed=3, name="khaos.sqlite3")
    sim.control.set_faults("ExportStock:latency=1")
    return sim


def environment(data_dir: Path, url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KHAOS_SYNC_", "DJANGO_"))}
    env.pop("DATABASE_URL", None)
    env.update(KHAOS_SYNC_DATA_DIR=str(data_dir), KHAOS_SYNC_KHAOS_URL=url)
    return env


def runs(database: Path) -> list[tuple[int, str, str]]:
    with sqlite3.connect(database) as db:
        return db.execute(
            "SELECT id, outcome, error FROM khaos_core_syncrun WHERE flow = 'catalogue' ORDER BY id"
        ).fetchall()


def wait_for_products(database: Path, process: subprocess.Popen, timeout: float = 120) -> None:
    """Until the run has written some products (it is mid-way) — or fail."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, "the sync finished before it could be killed"
        try:
            with sqlite3.connect(database) as db:
                if db.execute("SELECT COUNT(*) FROM khaos_catalogue_productbinding").fetchone()[0]:
                    return
        except sqlite3.OperationalError:
            pass  # locked by the writer for a moment
        time.sleep(0.2)
    raise AssertionError("the sync wrote nothing in time")


def test_a_killed_cli_sync_is_closed_and_the_next_run_takes_over(
    tmp_path, slow_simulator, set_up_data_dir
):
    data_dir = copy_set_up_shop(set_up_data_dir, tmp_path / "data")
    env = environment(data_dir, slow_simulator.url)
    database = data_dir / "shop.sqlite3"

    victim = subprocess.Popen(
        [*CLI, "sync", "catalogue", "--full"],
        # Many slow calls: time to kill it mid-run.
        # Small batches: products are written (and seen) while the run goes on.
        env={
            **env,
            "KHAOS_SYNC_CATALOGUE_EXPORT_CHUNK": "1",
            "KHAOS_SYNC_CATALOGUE_BATCH_SIZE": "5",
        },
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_for_products(database, victim)
    os.kill(victim.pid, signal.SIGKILL)
    victim.wait()
    assert runs(database)[-1][1] == "running"  # what kill -9 leaves behind

    slow_simulator.control.set_faults("")
    again = subprocess.run(
        [*CLI, "sync", "catalogue", "--full"], env=env, capture_output=True, text=True
    )

    assert again.returncode == 0, again.stderr[-2000:]
    (_, killed, error), (_, latest, _) = runs(database)
    assert killed == "interrupted" and str(victim.pid) in error
    assert latest == "succeeded"
