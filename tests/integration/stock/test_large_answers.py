"""A huge ExportStockStatus answer costs no more memory than a fraction of its size."""

from __future__ import annotations

import tracemalloc

import pytest

from khaos_sync.backends.soap import KEPT_ANSWER_BYTES
from khaos_sync.simulator import RunningSimulator
from khaos_sync.sync.core.models import FailedItem
from khaos_sync.sync.stock.flow import sync_stock_once

from .test_levels import tracked_item

pytestmark = pytest.mark.django_db

ANSWER_MB = 48
# The goal: peak memory under 1.5 times the answer plus a constant.
ALLOWED_PEAK = int(1.5 * ANSWER_MB * 1024 * 1024) + 8 * 1024 * 1024


def test_a_huge_levels_answer_is_read_in_flat_memory_and_kept_cut(
    shop: RunningSimulator,
) -> None:
    code = tracked_item(shop)
    shop.control.adjust_stock(code, 1, level=3)
    shop.control.set_faults(f"ExportStockStatus:oversized={ANSWER_MB}")

    tracemalloc.start()
    try:
        run = sync_stock_once()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
        shop.control.set_faults("")

    assert peak < ALLOWED_PEAK, f"peak {peak / 2**20:.1f} MiB for a {ANSWER_MB} MiB answer"
    failure = FailedItem.objects.get(flow="stock", key=code)
    assert len(failure.payload) < KEPT_ANSWER_BYTES + 200
    assert failure.payload.startswith("xxxx") and "reading stopped here" in failure.payload
    assert run.outcome == "failed" and "every item failed" in run.error
