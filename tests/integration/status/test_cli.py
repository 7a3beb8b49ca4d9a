"""``khaos-sync sync status``: once, or one order on demand."""

from __future__ import annotations

from click.testing import CliRunner

from khaos_sync.cli.status import sync_status

from .support import Shop


def test_one_order_on_demand_prints_its_status_and_tracking(shop: Shop) -> None:
    order = shop.place([1])
    shop.sim.control.ship(order.number, consignment_ref="EV42", courier="EVRI")

    result = CliRunner().invoke(sync_status, ["--order", order.number, "--url", shop.sim.url])

    assert result.exit_code == 0, result.output
    assert f"order {order.number}: Dispatched" in result.output
    assert "EV42" in result.output and "https://www.evri.com/track/parcel/EV42" in result.output
    assert "Khaos calls  1" in result.output


def test_the_scheduled_poll_reports_what_it_did(shop: Shop) -> None:
    shop.place([1])

    result = CliRunner().invoke(sync_status, ["--url", shop.sim.url])

    assert result.exit_code == 0, result.output
    assert "orders in the feed" in result.output and "succeeded" in result.output
