"""State lives in the database: a restarted simulator carries on where it stopped."""

from __future__ import annotations

from pathlib import Path

import pytest

from khaos_sync.protocol.client import KhaosClient
from khaos_sync.protocol.errors import TransientError
from khaos_sync.simulator import run_in_thread

from .support import order_document, sellable_item


def test_orders_stock_edits_clock_and_settings_survive_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "sim.sqlite3"
    with run_in_thread(path, generate=80, seed=5) as first, KhaosClient(first.url) as khaos:
        item = sellable_item(first)
        khaos.import_orders(orders=order_document("KEEP1", [(item.code, 1, "3.00")]))
        first.control.ship("KEEP1", consignment_ref="RM42")
        first.control.edit_item(item.code, description="Kept name")
        first.control.adjust_stock(item.code, 3, level=12)
        clock = first.control.advance_clock(days=3)
        first.control.configure(check_order_amount=False)
        catalogue = khaos.get_stock_list()

    with run_in_thread(path, generate=80, seed=99) as second, KhaosClient(second.url) as khaos:
        assert khaos.get_stock_list().entries[1:] == catalogue.entries[1:]
        assert "Kept name" in khaos.export_stock(stock_code=item.code)
        assert second.control.levels(item.code)[3] == 12
        assert "RM42" in khaos.export_order_status_ex(
            ids="KEEP1", mapping_type=4, include_tracking=True
        )
        assert second.control.now() >= clock
        assert second.control.state()["settings"]["check_order_amount"] is False
        again = khaos.import_orders(orders=order_document("KEEP1", [(item.code, 1, "3.00")]))
        assert again.imported_count == 0
        new = khaos.import_orders(orders=order_document("KEEP2", [(item.code, 1, "3.00")]))
        assert new.imported[0].sales_order_code != second.control.order("KEEP1")["code"]


def test_a_stopped_simulator_answers_no_one_not_even_on_an_open_connection(
    tmp_path: Path,
) -> None:
    """Stopping it is Khaos going down: a client's kept-alive connection must not go on working."""
    sim = run_in_thread(tmp_path / "sim.sqlite3", generate=20, seed=5)
    item = sellable_item(sim)
    with KhaosClient(sim.url) as khaos:
        khaos.get_version()  # the client keeps this connection open for its next call
        sim.stop()
        with pytest.raises(TransientError):
            khaos.import_orders(orders=order_document("DOWN1", [(item.code, 1, "3.00")]))
    with run_in_thread(tmp_path / "sim.sqlite3") as again:
        assert again.control.import_log() == []  # nothing reached the stopped Khaos
