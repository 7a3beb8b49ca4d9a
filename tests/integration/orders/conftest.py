"""A simulator per test, served over real HTTP, and the shop configured to send orders to it."""

from __future__ import annotations

from typing import Any

import pytest

from khaos_sync.simulator import RunningSimulator
from tests.integration.orders.support import khaos_config


@pytest.fixture
def sim(start_simulator: Any) -> RunningSimulator:
    return start_simulator(100, seed=5)


@pytest.fixture
def khaos(sim: RunningSimulator, settings: Any) -> RunningSimulator:
    settings.KHAOS_SYNC = khaos_config(sim.url)
    return sim
