"""Faults on the wire: every order still arrives exactly once, or waits for a person."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from khaos_sync.mappers.orders import OrderSettings, build_sales_order
from khaos_sync.protocol.client import KhaosClient
from khaos_sync.protocol.documents.orders import build_orders
from khaos_sync.store.orders import load_orders, shop_order
from khaos_sync.sync.core.models import FailedItem
from khaos_sync.sync.orders.flow import export_orders_once, requeue
from khaos_sync.sync.orders.models import OrderExport
from tests.integration.orders.support import (
    drain,
    khaos_config,
    khaos_product,
    place_order,
    refs_in_khaos,
)

pytestmark = pytest.mark.django_db
State = OrderExport.State


def test_dropped_connections_after_commit_never_import_an_order_twice(khaos, settings):
    settings.KHAOS_SYNC = khaos_config(khaos.url, batch_size=2)
    khaos.control.set_faults("ImportOrders:drop-after-commit@every=3")
    product = khaos_product(khaos)
    orders = [place_order([(product, 1)]) for _ in range(12)]

    drain()

    numbers = [str(order.number) for order in orders]
    assert Counter(refs_in_khaos(khaos)) == Counter(numbers)  # each exactly once
    assert set(OrderExport.objects.values_list("state", flat=True)) == {State.IMPORTED}
    assert all(OrderExport.objects.values_list("khaos_order_code", flat=True))


def test_an_http_500_storm_is_retried_until_the_order_is_imported(khaos, settings):
    settings.KHAOS_SYNC = khaos_config(khaos.url, max_attempts=10)
    khaos.control.set_faults("ImportOrders:http500@times=6")
    order = place_order([(khaos_product(khaos), 2)])

    drain()

    export = OrderExport.objects.get(order=order)
    assert export.state == State.IMPORTED
    assert export.attempts == 0  # an HTTP 500 is no answer from Khaos: never counted
    assert refs_in_khaos(khaos) == [str(order.number)]


def test_soap_faults_back_off_and_hold_at_the_limit(khaos, settings):
    settings.KHAOS_SYNC = khaos_config(khaos.url, max_attempts=3, backoff_seconds=60.0)
    khaos.control.set_faults("ImportOrders:soap-fault")
    order = place_order([(khaos_product(khaos), 1)])

    export_orders_once()
    export = OrderExport.objects.get(order=order)
    # One Fault never holds an order: Khaos is asked, then it is retried later.
    assert export.state == State.QUEUED and export.attempts == 1
    assert export.next_attempt_at > timezone.now() + timedelta(seconds=50)
    assert export_orders_once() is None  # not due yet

    for expected_delay in (120, None):
        OrderExport.objects.filter(pk=export.pk).update(next_attempt_at=timezone.now())
        export_orders_once()
        export.refresh_from_db()
        if expected_delay:
            assert export.next_attempt_at > timezone.now() + timedelta(seconds=expected_delay - 10)
    assert export.state == State.HELD and export.hold_kind == "faults"
    assert "gave up after 3 answers from Khaos" in export.last_error
    assert FailedItem.objects.get(key=str(order.number)).state == FailedItem.State.OPEN


def test_a_single_transient_fault_does_not_hold_an_order(khaos, settings):
    settings.KHAOS_SYNC = khaos_config(khaos.url, max_attempts=8)
    # A deadlock on a one-order call: Khaos answers with a Fault once.
    khaos.control.set_faults("ImportOrders:soap-fault@times=1")
    order = place_order([(khaos_product(khaos), 1)])

    drain()

    export = OrderExport.objects.get(order=order)
    assert export.state == State.IMPORTED and export.attempts == 1
    assert refs_in_khaos(khaos) == [str(order.number)]


def _stopped_khaos_url(url: str) -> str:
    """The simulator's URL on a port nothing listens on: Khaos stopped."""
    import socket
    from urllib.parse import urlsplit, urlunsplit

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    parts = urlsplit(url)
    return urlunsplit(parts._replace(netloc=f"127.0.0.1:{port}"))


def test_a_long_outage_never_holds_an_order_and_it_goes_when_khaos_is_back(khaos, settings):
    settings.KHAOS_SYNC = khaos_config(
        khaos.url, max_attempts=2, backoff_seconds=1.0, unreachable_max_seconds=5.0
    )
    order = place_order([(khaos_product(khaos), 1)])
    export = OrderExport.objects.get(order=order)
    settings.KHAOS_SYNC["khaos"]["url"] = _stopped_khaos_url(khaos.url)  # Khaos stopped

    for _ in range(6):  # far more tries than max_attempts
        OrderExport.objects.filter(pk=export.pk).update(next_attempt_at=timezone.now())
        export_orders_once()
    export.refresh_from_db()
    assert export.state == State.QUEUED and export.attempts == 0
    assert export.unreachable_since is not None
    assert export.next_attempt_at <= timezone.now() + timedelta(seconds=5)  # capped
    assert "Khaos could not be reached" in export.last_error

    # Hours into the outage an alert is raised; the order still waits.
    OrderExport.objects.filter(pk=export.pk).update(
        unreachable_since=timezone.now() - timedelta(hours=3), next_attempt_at=timezone.now()
    )
    export_orders_once()
    alert = FailedItem.objects.get(key="Khaos unreachable")
    assert (
        alert.state == FailedItem.State.OPEN and "has not answered for 180 minutes" in alert.error
    )
    export.refresh_from_db()
    assert export.state == State.QUEUED

    settings.KHAOS_SYNC["khaos"]["url"] = khaos.url  # Khaos is back
    OrderExport.objects.filter(pk=export.pk).update(next_attempt_at=timezone.now())
    export_orders_once()
    export.refresh_from_db()
    assert export.state == State.IMPORTED and refs_in_khaos(khaos) == [str(order.number)]
    alert.refresh_from_db()
    assert alert.state == FailedItem.State.RESOLVED


def test_orders_held_by_an_outage_are_released_when_khaos_answers(khaos):
    held = place_order([(khaos_product(khaos), 1)])
    # As an earlier version left it: held after its attempts went on an outage.
    OrderExport.objects.filter(order=held).update(
        state=State.HELD,
        hold_kind="unreachable",
        attempts=8,
        last_error="gave up after 8 attempts: Khaos could not be reached: connection refused",
    )
    other = place_order([(khaos_product(khaos), 1)])

    drain()

    assert OrderExport.objects.get(order=other).state == State.IMPORTED
    released = OrderExport.objects.get(order=held)
    assert released.state == State.IMPORTED and released.attempts == 0
    assert sorted(refs_in_khaos(khaos)) == sorted([str(held.number), str(other.number)])


def test_an_unreadable_answer_is_reconciled_not_resent(khaos):
    khaos.control.set_faults("ImportOrders:malformed-xml@times=1")
    order = place_order([(khaos_product(khaos), 1)])

    drain()

    export = OrderExport.objects.get(order=order)
    assert export.state == State.IMPORTED and export.khaos_order_code
    assert refs_in_khaos(khaos) == [str(order.number)]


def test_a_discontinued_item_holds_the_order_until_fixed_and_retried(khaos):
    product = khaos_product(khaos)
    khaos.control.edit_item(product.khaos.stock_code, discontinued=True)
    order = place_order([(product, 1)])

    drain()

    export = OrderExport.objects.get(order=order)
    assert export.state == State.HELD
    assert f"Stock item {product.khaos.stock_code} is discontinued" in export.last_error
    failure = FailedItem.objects.get(key=str(order.number))
    assert f"<ASSOCIATED_REF>{order.number}</ASSOCIATED_REF>" in failure.payload
    assert export_orders_once() is None  # a refusal is never retried by itself

    khaos.control.edit_item(product.khaos.stock_code, discontinued=False)
    assert requeue([export]) == 1
    drain()

    export.refresh_from_db()
    failure.refresh_from_db()
    assert export.state == State.IMPORTED
    assert failure.state == FailedItem.State.RESOLVED
    assert refs_in_khaos(khaos) == [str(order.number)]


def test_a_crashed_senders_order_is_looked_up_in_khaos_before_any_resend(khaos):
    order = place_order([(khaos_product(khaos), 1)])
    # A sender sent it, Khaos imported it, and the sender died before recording that.
    built = build_sales_order(
        shop_order(load_orders([order.pk])[order.pk]),
        OrderSettings.from_config(settings.KHAOS_SYNC["khaos"], settings.KHAOS_SYNC["orders"]),
    )
    with KhaosClient(khaos.url) as client:
        client.import_orders(orders=build_orders([built.order]).decode())
    OrderExport.objects.filter(order=order).update(
        state=State.SENDING,
        lease_holder="dead:1",
        lease_until=timezone.now() - timedelta(seconds=1),
    )

    run = export_orders_once()

    export = OrderExport.objects.get(order=order)
    assert export.state == State.IMPORTED and export.khaos_order_code
    assert run.summary == {"reconciled": 1}
    assert refs_in_khaos(khaos) == [str(order.number)]


def test_an_order_khaos_already_has_counts_as_imported(khaos):
    order = place_order([(khaos_product(khaos), 1)])
    drain()
    OrderExport.objects.filter(order=order).update(state=State.QUEUED, khaos_order_code="")

    run = export_orders_once()

    export = OrderExport.objects.get(order=order)
    assert export.state == State.IMPORTED and export.khaos_order_code
    assert run.summary == {"reconciled": 1}
    assert refs_in_khaos(khaos) == [str(order.number)]
