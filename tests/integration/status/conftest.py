"""A Khaos simulator with a small catalogue, the shop's products from it, and orders in both."""

from __future__ import annotations

import shutil
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from khaos_sync.simulator import RunningSimulator, open_store, run_in_thread

from .support import Shop

CATALOGUE_SIZE = 40
SEED = 5


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Generated once; every test gets its own copy."""
    path = tmp_path_factory.mktemp("status-simulator") / "template.sqlite3"
    open_store(path, generate=CATALOGUE_SIZE, seed=SEED).close()
    return path


@pytest.fixture
def sim(tmp_path: Path, template_db: Path) -> Iterator[RunningSimulator]:
    path = tmp_path / "sim.sqlite3"
    shutil.copyfile(template_db, path)
    with run_in_thread(path) as running:
        running.control.configure(check_order_amount=False)
        yield running


@pytest.fixture
def shop(sim: RunningSimulator, db: None) -> Shop:
    return Shop.from_catalogue(sim)


@pytest.fixture
def unused_port() -> int:
    """A local port nothing listens on (a mail server that is down)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
