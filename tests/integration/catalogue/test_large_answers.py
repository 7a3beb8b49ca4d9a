"""A huge ExportStock answer costs no more memory than a fraction of its size."""

from __future__ import annotations

import tracemalloc

import pytest

from khaos_sync.backends.soap import KEPT_ANSWER_BYTES
from khaos_sync.sync.catalogue.flow import sync_catalogue_once
from khaos_sync.sync.catalogue.models import ProductBinding
from khaos_sync.sync.core.models import FailedItem

pytestmark = pytest.mark.django_db(transaction=True)

ANSWER_MB = 48
# The goal: peak memory under 1.5 times the answer plus a constant.
ALLOWED_PEAK = int(1.5 * ANSWER_MB * 1024 * 1024) + 8 * 1024 * 1024


def test_a_huge_item_answer_is_read_in_flat_memory_and_kept_cut(simulator):
    assert sync_catalogue_once(full=True, url=simulator.url).outcome == "succeeded"
    code = ProductBinding.objects.filter(structure="standalone").order_by("stock_code")[0]
    simulator.store.advance_clock(3600)
    simulator.control.edit_item(code.stock_code, description="Edited before a huge answer")
    simulator.control.set_faults(f"ExportStock:oversized={ANSWER_MB}")

    tracemalloc.start()
    try:
        run = sync_catalogue_once(url=simulator.url)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
        simulator.control.set_faults("")

    assert peak < ALLOWED_PEAK, f"peak {peak / 2**20:.1f} MiB for a {ANSWER_MB} MiB answer"
    failure = FailedItem.objects.get(flow="catalogue", key=code.stock_code)
    assert len(failure.payload) < KEPT_ANSWER_BYTES + 200
    assert failure.payload.startswith("xxxx") and "reading stopped here" in failure.payload
    assert run.outcome == "failed" and "every item failed" in run.error
