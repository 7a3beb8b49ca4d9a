"""An order placed while the worker idles leaves at once, not at the next poll."""

from __future__ import annotations

import time

import pytest
from django.db import connection

from khaos_sync.worker.loop import Worker
from tests.integration.orders.support import khaos_config, khaos_product, place_order, refs_in_khaos
from tests.threads import closing_thread

# Far longer than the test waits: an order that arrives was not found by polling.
POLL_SECONDS = 3600
WAIT_SECONDS = 30


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_an_order_reaches_khaos_long_before_the_poll_interval_with_an_idle_worker(sim, settings):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: LISTEN/NOTIFY; SQLite exporters poll")
    config = khaos_config(sim.url, poll_seconds=POLL_SECONDS)
    config["worker"] = {**config["worker"], "orders_seconds": POLL_SECONDS}
    settings.KHAOS_SYNC = config
    product = khaos_product(sim)
    worker = Worker(flows=["orders"])
    thread = closing_thread(worker.run_forever, daemon=True)
    thread.start()
    try:
        wait_until(lambda: worker.listener is not None and worker.listener.listening.is_set())
        wait_until(lambda: bool(worker.results))  # the first pass, with nothing to send
        placed = time.monotonic()
        order = place_order([(product, 1)])
        wait_until(lambda: str(order.number) in refs_in_khaos(sim))
        assert time.monotonic() - placed < WAIT_SECONDS < POLL_SECONDS
    finally:
        worker.stop()
        thread.join(timeout=20)
    assert not thread.is_alive()


def wait_until(condition, timeout: float = WAIT_SECONDS) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "not within the wait"
        time.sleep(0.05)
