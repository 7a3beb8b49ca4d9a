"""A Khaos simulator holding customers, with every record a shop must not import as is."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from khaos_sync.simulator.runner import RunningSimulator, run_in_thread

from .records import customers_db


@pytest.fixture(scope="module")
def big_khaos(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningSimulator]:
    path = customers_db(tmp_path_factory.mktemp("khaos") / "sim.sqlite3", 5000)
    with run_in_thread(path) as sim:
        yield sim


@pytest.fixture
def khaos(tmp_path: Path, start_simulator: Any) -> RunningSimulator:
    return start_simulator(db=customers_db(tmp_path / "sim.sqlite3", 40))
