"""A small generated simulator per test, served over real HTTP, and a client for it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from khaos_sync.protocol.client import KhaosClient
from khaos_sync.simulator import RunningSimulator

CATALOGUE_SIZE = 150
SEED = 3


@pytest.fixture
def sim(start_simulator: Any) -> RunningSimulator:
    return start_simulator(CATALOGUE_SIZE, seed=SEED)


@pytest.fixture
def client(sim: RunningSimulator) -> Iterator[KhaosClient]:
    with KhaosClient(sim.url, timeout=10) as khaos:
        yield khaos
