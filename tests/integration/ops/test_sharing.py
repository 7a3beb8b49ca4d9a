"""Several workers on several machines share one PostgreSQL database safely."""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys

import pytest
from django.db import connection

from khaos_sync.sync.core.models import SyncRun
from tests.conftest import REPO_ROOT

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

WORKERS = 3
SECONDS = 6


def database_url() -> str:
    db = connection.settings_dict
    host = db["HOST"] or "127.0.0.1"
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{host}:{db['PORT'] or 5432}/{db['NAME']}"


def test_a_flow_never_runs_on_two_workers_at_once():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: several worker processes on one database")
    env = {**os.environ, "DATABASE_URL": database_url()}
    workers = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.integration.ops.worker_process", str(SECONDS)],
            cwd=REPO_ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        for _ in range(WORKERS)
    ]
    reports = [json.loads(w.communicate(timeout=120)[0].strip().splitlines()[-1]) for w in workers]
    assert all(w.returncode == 0 for w in workers)

    runs = list(SyncRun.objects.filter(flow="shared").order_by("started_at"))
    assert len(runs) >= 5, "the workers should have kept the flow going"
    assert all(run.outcome == "succeeded" for run in runs)
    for earlier, later in itertools.pairwise(runs):
        assert earlier.finished_at <= later.started_at, f"runs {earlier.pk} and {later.pk} overlap"
    # Every run was done by exactly one worker, and the others noticed it was taken.
    assert sum(r.get("ran", 0) for r in reports) == len(runs)
    assert sum(r.get("busy", 0) for r in reports) > 0
