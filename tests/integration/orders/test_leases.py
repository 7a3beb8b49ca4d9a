"""Leases: a slow send keeps its orders, a dead sender's orders do not wait out the lease."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.utils import timezone

from khaos_sync.sync.orders.claim import claim_due, new_holder
from khaos_sync.sync.orders.flow import export_orders_once
from khaos_sync.sync.orders.models import OrderExport
from tests.integration.orders.support import drain, khaos_config, khaos_product, place_order

State = OrderExport.State


def sent_refs(sim) -> Counter[str]:  # type: ignore[no-untyped-def]
    """How many times each order reached ImportOrders, from the simulator's call log."""
    return Counter(entry["ref"] for entry in sim.control.import_log())


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_send_slower_than_the_lease_is_not_taken_over(sim, settings):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: two senders with their own connections")
    settings.KHAOS_SYNC = khaos_config(sim.url, lease_seconds=10, batch_size=5)
    settings.KHAOS_SYNC["khaos"]["timeout"] = 60.0
    product = khaos_product(sim)
    orders = [place_order([(product, 1)]) for _ in range(5)]
    sim.control.set_faults("ImportOrders:latency=16@times=1")  # one 16 s call, lease 10 s

    slow = threading.Thread(target=lambda: (export_orders_once(), connections.close_all()))
    slow.start()
    time.sleep(12)  # past the lease the batch started with
    assert export_orders_once() is None  # nothing due: the lease was renewed
    slow.join()

    numbers = {str(order.number) for order in orders}
    assert sent_refs(sim) == Counter(dict.fromkeys(numbers, 1))  # each sent once
    assert set(OrderExport.objects.values_list("state", flat=True)) == {State.IMPORTED}


@pytest.mark.django_db
def test_orders_of_a_killed_sender_are_claimed_without_waiting_out_the_lease(khaos):
    order = place_order([(khaos_product(khaos), 1)])
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    )
    # As kill -9 left it: mid-send, lease still running for minutes.
    OrderExport.objects.filter(order=order).update(
        state=State.SENDING,
        lease_holder=f"{socket.gethostname()}:{dead.stdout.strip()}:deadbeef",
        lease_until=timezone.now() + timedelta(minutes=5),
    )

    [row] = claim_due(10, new_holder(), timedelta(minutes=5))
    assert row.order_id == order.pk and row.needs_reconcile  # Khaos is asked before a resend

    OrderExport.objects.filter(pk=row.pk).update(lease_until=timezone.now() - timedelta(seconds=1))
    drain()
    assert OrderExport.objects.get(pk=row.pk).state == State.IMPORTED
    assert sent_refs(khaos) == Counter({str(order.number): 1})


@pytest.mark.django_db
def test_a_live_senders_orders_wait_for_its_lease(khaos):
    order = place_order([(khaos_product(khaos), 1)])
    OrderExport.objects.filter(order=order).update(
        state=State.SENDING,
        lease_holder=new_holder(),  # this very process: alive
        lease_until=timezone.now() + timedelta(minutes=5),
    )
    assert claim_due(10, new_holder(), timedelta(minutes=5)) == []


@pytest.mark.django_db
def test_a_batch_out_of_time_gives_its_orders_back_uncounted(khaos, settings, monkeypatch):
    from khaos_sync.sync.orders import exporter

    settings.KHAOS_SYNC = khaos_config(khaos.url, batch_size=4)
    product = khaos_product(khaos)
    orders = [place_order([(product, 1)]) for _ in range(4)]
    khaos.control.set_faults("ImportOrders:soap-fault@times=1")  # the batch is resent one by one
    monkeypatch.setattr(exporter, "LEASE_BUDGET", 0.0)  # no time left after the first call

    export_orders_once(max_batches=1)

    rows = OrderExport.objects.filter(order__in=orders)
    assert {row.state for row in rows} == {State.QUEUED}
    assert {row.attempts for row in rows} == {0}  # giving back is not an attempt
    assert all(row.next_attempt_at <= timezone.now() for row in rows)
    monkeypatch.undo()
    drain()
    # The Fault came before Khaos processed anything: each order imported by one call.
    assert sent_refs(khaos) == Counter(str(o.number) for o in orders)
