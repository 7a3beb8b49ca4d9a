from __future__ import annotations

import pytest


@pytest.fixture
def simulator(start_simulator):
    return start_simulator(60, seed=3, name="khaos.sqlite3")


@pytest.fixture
def dump_by_sku():
    from khaos_sync.sync.catalogue.dump import dump_products

    def dump():
        rows = dump_products()
        return {row["sku"]: row for row in rows}

    return dump
