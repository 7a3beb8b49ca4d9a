"""A simulator per test, served over real HTTP, and the shop configured to send orders to it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from khaos_sync.simulator import RunningSimulator, run_in_thread
from tests.integration.orders.support import khaos_config


@pytest.fixture
def sim(tmp_path: Path) -> Iterator[RunningSimulator]:
    with run_in_thread(tmp_path / "sim.sqlite3", generate=100, seed=5) as running:
        yield running


@pytest.fixture
def khaos(sim: RunningSimulator, settings) -> RunningSimulator:
    settings.KHAOS_SYNC = khaos_config(sim.url)
    return sim
