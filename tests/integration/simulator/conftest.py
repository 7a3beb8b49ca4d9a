"""A small generated simulator per test, served over real HTTP, and a client for it."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from khaos_sync.protocol.client import KhaosClient
from khaos_sync.simulator import RunningSimulator, open_store, run_in_thread

CATALOGUE_SIZE = 150
SEED = 3


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Generated once; every test gets its own copy, so tests cannot see each other."""
    path = tmp_path_factory.mktemp("simulator") / "template.sqlite3"
    open_store(path, generate=CATALOGUE_SIZE, seed=SEED).close()
    return path


@pytest.fixture
def sim(tmp_path: Path, template_db: Path) -> Iterator[RunningSimulator]:
    path = tmp_path / "sim.sqlite3"
    shutil.copyfile(template_db, path)
    with run_in_thread(path) as running:
        yield running


@pytest.fixture
def client(sim: RunningSimulator) -> Iterator[KhaosClient]:
    with KhaosClient(sim.url, timeout=10) as khaos:
        yield khaos
