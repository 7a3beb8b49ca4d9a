"""Which status each order line takes after Khaos's news (no database)."""

from __future__ import annotations

import pytest

from khaos_sync.store.status import line_status


@pytest.mark.parametrize(
    ("order_status", "current", "sent", "quantity", "expected"),
    [
        ("Picking", "Processing", 0, 2, "Picking"),
        ("Part dispatched", "Processing", 2, 2, "Dispatched"),
        ("Part dispatched", "Processing", 1, 2, "Part dispatched"),
        ("Part dispatched", "Pending", 0, 2, "Processing"),
        ("Part dispatched", "On hold", 0, 2, None),
        ("Cancelled", "Cancelled", 0, 2, None),
        ("Dispatched", "Dispatching", 2, 2, "Dispatched"),
    ],
)
def test_a_line_follows_what_was_sent_of_it_then_the_order(
    order_status: str, current: str, sent: int, quantity: int, expected: str | None
) -> None:
    assert line_status(order_status, current, sent, quantity) == expected
