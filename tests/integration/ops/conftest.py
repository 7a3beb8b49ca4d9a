"""Fixtures of the operations tests: a simulator, and a registry holding only test flows."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from khaos_sync.simulator import RunningSimulator, run_in_thread
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
def sim(tmp_path: Path) -> Iterator[RunningSimulator]:
    with run_in_thread(tmp_path / "sim.sqlite3", generate=60, seed=5) as running:
        yield running


@pytest.fixture
def khaos_settings(settings, sim):  # type: ignore[no-untyped-def]
    """The shop's configuration pointed at the simulator, with values that exist there."""
    values = {section: dict(keys) for section, keys in settings.KHAOS_SYNC.items()}
    values["khaos"].update(
        url=sim.url, stock_sites=[1, 2], sales_source="INTERNET", company_class="Internet"
    )
    settings.KHAOS_SYNC = values
    return values
