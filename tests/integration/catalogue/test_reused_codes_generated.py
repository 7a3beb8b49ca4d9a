"""Generated catalogues with reused codes, deleted holders and swaps: no STOCK_ID is lost."""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict

import pytest
from oscar.core.loading import get_model

from khaos_sync.simulator.generator import generate, swap_codes
from khaos_sync.simulator.runner import run_in_thread
from khaos_sync.simulator.store import Store
from khaos_sync.sync.catalogue.flow import sync_catalogue_once
from khaos_sync.sync.catalogue.models import ProductBinding, ReviewFlag

Product = get_model("catalogue", "Product")
pytestmark = pytest.mark.django_db(transaction=True)
REUSED = 12


@pytest.fixture
def reused_simulator(tmp_path):
    path = tmp_path / "khaos.sqlite3"
    store = Store(path)
    result = generate(store, 80, seed=11, reused_codes=REUSED)
    store.close()
    assert result.items > REUSED
    with run_in_thread(path) as sim:
        yield sim


def khaos_items(path) -> list[tuple[str, str, bool, str]]:
    """(STOCK_ID, code, live, revised) of every item the simulator holds."""
    db = sqlite3.connect(path)
    rows = db.execute("SELECT stock_id, code, revised, data FROM items").fetchall()
    db.close()

    items = []
    for stock_id, code, revised, data in rows:
        record = json.loads(data)
        live = record.get("web", True) and not record.get("discontinued", False)
        items.append((str(stock_id), code, live, revised))
    return items


def expected_holders(items) -> dict[str, str]:
    """Code -> STOCK_ID that should hold it: live first, then the latest revision."""
    by_code = defaultdict(list)
    for stock_id, code, live, revised in items:
        by_code[code].append((live, revised, stock_id))
    return {code: max(group)[2] for code, group in by_code.items()}


def check_every_item_is_a_product(sim_path) -> dict[str, str]:
    items = khaos_items(sim_path)
    bindings = dict(ProductBinding.objects.values_list("stock_id", "product__upc"))
    assert set(bindings) == {stock_id for stock_id, *_ in items}  # every STOCK_ID a product
    holders = expected_holders(items)
    for code, stock_id in holders.items():
        assert bindings[stock_id] == code, f"{code} should belong to {stock_id}"
    flagged = set(
        ReviewFlag.objects.filter(kind=ReviewFlag.Kind.CODE, resolved_at=None).values_list(
            "khaos_ref", flat=True
        )
    )
    losers = {stock_id for stock_id, code, *_ in items if holders[code] != stock_id}
    assert flagged == losers
    for stock_id in losers:
        assert not bindings[stock_id]
    return holders


def test_every_stock_id_becomes_a_product_through_reuse_and_swaps(reused_simulator, tmp_path):
    path = tmp_path / "khaos.sqlite3"
    run = sync_catalogue_once(full=True, url=reused_simulator.url)
    assert run.failed == 0, run.summary
    holders = check_every_item_is_a_product(path)
    shared = [c for c, n in count_codes(path).items() if n > 1]
    assert len(shared) == REUSED and all(code in holders for code in shared)

    # Later on Khaos: codes swapped between items; the incremental run settles them.
    reused_simulator.store.advance_clock(3600)
    swapped = swap_codes(reused_simulator.store, 3, seed=2)
    run = sync_catalogue_once(url=reused_simulator.url)
    assert run.failed == 0
    check_every_item_is_a_product(path)
    assert len(swapped) == 3


def count_codes(path) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for _stock_id, code, *_ in khaos_items(path):
        counts[code] += 1
    return counts
