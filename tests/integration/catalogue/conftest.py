from __future__ import annotations

import pytest

from khaos_sync.simulator.runner import run_in_thread


@pytest.fixture
def simulator(tmp_path):
    with run_in_thread(tmp_path / "khaos.sqlite3", generate=60, seed=3) as sim:
        yield sim


@pytest.fixture
def dump_by_sku():
    from khaos_sync.sync.catalogue.dump import dump_products

    def dump():
        rows = dump_products()
        return {row["sku"]: row for row in rows}

    return dump
