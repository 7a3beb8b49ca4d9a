"""A Khaos simulator with a small catalogue, the shop's products from it, and orders in both."""

from __future__ import annotations

import socket
from typing import Any

import pytest

from khaos_sync.simulator import RunningSimulator

from .support import Shop

CATALOGUE_SIZE = 40
SEED = 5


@pytest.fixture
def sim(start_simulator: Any) -> RunningSimulator:
    running = start_simulator(CATALOGUE_SIZE, seed=SEED)
    running.control.configure(check_order_amount=False)
    return running


@pytest.fixture
def shop(sim: RunningSimulator, db: None) -> Shop:
    return Shop.from_catalogue(sim)


@pytest.fixture
def unused_port() -> int:
    """A local port nothing listens on (a mail server that is down)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
