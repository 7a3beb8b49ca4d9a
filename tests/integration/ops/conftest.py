"""Fixtures of the operations tests: a simulator, and a registry holding only test flows."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from khaos_sync.simulator import RunningSimulator
from tests.integration.ops.flows import only_flows


@pytest.fixture(autouse=True)
def fresh_connection_status() -> Iterator[None]:
    """Each test's database starts empty, so the status write throttle must too."""
    from khaos_sync.sync.core import backend

    backend._last_written.clear()
    yield
    backend._last_written.clear()


@pytest.fixture
def test_flows() -> Iterator[None]:
    with only_flows():
        yield


@pytest.fixture
def sim(start_simulator) -> RunningSimulator:  # type: ignore[no-untyped-def]
    return start_simulator(60, seed=5)


@pytest.fixture
def khaos_settings(configure_khaos, sim):  # type: ignore[no-untyped-def]
    """The shop's configuration pointed at the simulator, with values that exist there."""
    return configure_khaos(
        khaos={
            "url": sim.url,
            "stock_sites": [1, 2],
            "sales_source": "INTERNET",
            "company_class": "Internet",
        }
    )
