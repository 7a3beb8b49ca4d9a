"""A simulator per test holding price lists, and the shop pointed at it."""

from __future__ import annotations

from typing import Any

import pytest

from khaos_sync.simulator import RunningSimulator
from tests.integration.orders.support import khaos_config
from tests.integration.prices.support import prices_config


@pytest.fixture
def khaos(start_simulator: Any, settings: Any) -> RunningSimulator:
    sim = start_simulator(60, seed=5)
    settings.KHAOS_SYNC = khaos_config(sim.url)
    prices_config(settings)
    return sim
