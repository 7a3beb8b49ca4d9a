"""The outbox metrics show the backlog in every state, and how old it is."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from khaos_sync.sync.core.metrics import exposition
from khaos_sync.sync.orders.models import OrderExport
from tests.integration.orders.support import place_order, shop_product

pytestmark = pytest.mark.django_db
State = OrderExport.State


def metric(text: str, name: str) -> float:
    line = next(line for line in text.splitlines() if line.startswith(name + " "))
    return float(line.split()[-1])


def test_orders_in_back_off_held_or_in_flight_are_all_counted():
    product = shop_product("5.00")
    orders = [place_order([(product, 1)]) for _ in range(5)]
    now = timezone.now()
    states = [
        {"state": State.QUEUED, "next_attempt_at": now - timedelta(seconds=1)},  # due
        {"state": State.QUEUED, "next_attempt_at": now + timedelta(minutes=10)},  # back-off
        {"state": State.HELD},
        {"state": State.SENDING, "lease_until": now + timedelta(minutes=5), "lease_holder": "x"},
        {"state": State.IMPORTED},
    ]
    for order, changes in zip(orders, states, strict=True):
        OrderExport.objects.filter(order=order).update(**changes)
    OrderExport.objects.filter(order=orders[1]).update(created_at=now - timedelta(hours=2))

    text = exposition().decode()

    for state in ("due", "waiting", "held", "in_flight"):
        assert metric(text, f'khaos_sync_outbox_orders{{state="{state}"}}') == 1
    assert metric(text, "khaos_sync_outbox_depth") == 4  # the imported one is not a backlog
    age = metric(text, "khaos_sync_outbox_oldest_unsent_age_seconds")
    assert 7200 <= age < 7300


def test_an_empty_outbox_reads_zero():
    text = exposition().decode()
    assert metric(text, "khaos_sync_outbox_depth") == 0
    assert metric(text, "khaos_sync_outbox_oldest_unsent_age_seconds") == 0
