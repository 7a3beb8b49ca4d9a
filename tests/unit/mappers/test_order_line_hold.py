"""An order line whose Khaos product has no code of its own holds the order, with the reason."""

from __future__ import annotations

from khaos_sync.mappers.orders import build_sales_order
from tests.unit.orders.test_mapper import SETTINGS, line, order

REASON = "Mug: Khaos item 100 has no stock code of its own (its code MUG-1 belongs to another)"


def test_a_line_without_a_code_of_its_own_holds_the_order():
    built = build_sales_order(
        order(line("1"), line("2", code="MUG-1", hold_reason=REASON)), SETTINGS
    )
    assert built.order is None and built.hold == (REASON,) and built.for_khaos


def test_lines_without_a_hold_reason_are_sent():
    built = build_sales_order(order(line("1", price="12.50")), SETTINGS)
    assert built.order is not None and built.hold == ()
    assert built.order.items[0].stock_code == "ABC"
