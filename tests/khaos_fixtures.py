"""Fixtures every integration suite shares: simulators and the shop's Khaos configuration.

Loaded by ``tests/conftest.py`` as a plugin. A generated simulator catalogue is made once
per test process for each (size, seed) and copied for each test: copying a SQLite file is
far faster than generating it, and each test still gets a simulator of its own.
"""

from __future__ import annotations

import copy
import shutil
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest

from khaos_sync.simulator import RunningSimulator, open_store, run_in_thread

StartSimulator = Callable[..., RunningSimulator]


def set_khaos_config(settings: Any, **sections: dict[str, Any]) -> dict[str, Any]:
    """Change some keys of some sections of the shop's configuration, for one test."""
    config = copy.deepcopy(settings.KHAOS_SYNC)
    for section, values in sections.items():
        config[section] = {**config.get(section, {}), **values}
    settings.KHAOS_SYNC = config
    return config


@pytest.fixture
def configure_khaos(settings: Any) -> Callable[..., dict[str, Any]]:
    """``configure_khaos(khaos={"url": ...}, stock={...})``: undone after the test."""

    def change(**sections: dict[str, Any]) -> dict[str, Any]:
        return set_khaos_config(settings, **sections)

    return change


@pytest.fixture(scope="session")
def simulator_template(tmp_path_factory: pytest.TempPathFactory) -> Callable[[int, int], Path]:
    """The generated simulator database for ``(size, seed)``, made once per test process."""
    made: dict[tuple[int, int], Path] = {}

    def template(size: int, seed: int) -> Path:
        if (size, seed) not in made:
            path = tmp_path_factory.mktemp("simulator") / f"generated-{size}-{seed}.sqlite3"
            open_store(path, generate=size, seed=seed).close()
            made[size, seed] = path
        return made[size, seed]

    return template


@pytest.fixture
def start_simulator(
    tmp_path: Path, simulator_template: Callable[[int, int], Path]
) -> Iterator[StartSimulator]:
    """Start simulators on ephemeral ports for this test; all are stopped after it.

    ``start_simulator(60, seed=5)`` serves a copy of a generated catalogue of 60 items;
    ``start_simulator(db=path, ...)`` serves a database the test made; other keywords go to
    ``run_in_thread`` (faults, arrays, catalogue, control_token).
    """
    with ExitStack() as running:

        def start(
            generate: int | None = None,
            seed: int = 0,
            *,
            db: Path | None = None,
            name: str = "sim.sqlite3",
            **options: Any,
        ) -> RunningSimulator:
            path = db if db is not None else tmp_path / name
            if generate and not path.exists():
                shutil.copyfile(simulator_template(generate, seed), path)
            return running.enter_context(run_in_thread(path, **options))

        yield start
