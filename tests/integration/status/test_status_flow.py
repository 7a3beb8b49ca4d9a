"""Order status and tracking from Khaos (the simulator) to the shop, as customers see them."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from django.core import mail
from oscar.apps.order.signals import order_status_changed
from oscar.core.loading import get_class, get_model

from khaos_sync.sync.core.models import SyncRun
from khaos_sync.sync.status.flow import sync_order_status, sync_status_once
from khaos_sync.sync.status.models import OrderStatusBinding, Shipment
from khaos_sync.worker.schedule import scheduled_flows

from .support import Shop

EventHandler = get_class("order.processing", "EventHandler")
CommunicationEvent = get_model("order", "CommunicationEvent")
ShippingEvent = get_model("order", "ShippingEvent")
OrderNote = get_model("order", "OrderNote")
OrderStatusChange = get_model("order", "OrderStatusChange")


def poll(shop: Shop) -> SyncRun:
    run = sync_status_once(url=shop.sim.url)
    assert run.outcome == SyncRun.Outcome.SUCCEEDED, run.error
    return run


def statuses(order) -> tuple[str, list[str]]:  # type: ignore[no-untyped-def]
    order.refresh_from_db()
    return order.status, [line.status for line in order.lines.order_by("pk")]


def test_the_shop_follows_an_order_through_the_invoice_stages(shop: Shop) -> None:
    customer = get_model("auth", "User").objects.create_user("ann", "ann@example.com", "pw")
    order = shop.place([2], user=customer)
    seen = []

    first = poll(shop)
    seen.append(statuses(order)[0])
    for stage in (12, 14):
        shop.sim.control.set_stage(order.number, stage)
        later = poll(shop)
        seen.append(statuses(order)[0])
    shop.sim.control.ship(order.number, consignment_ref="RM123456", courier="RM48")
    poll(shop)
    seen.append(statuses(order)[0])

    assert seen == ["Processing", "Picking", "Dispatching", "Dispatched"]
    assert statuses(order)[1] == ["Dispatched"]
    assert list(order.status_changes.order_by("pk").values_list("old_status", "new_status")) == [
        ("Pending", "Processing"),
        ("Processing", "Picking"),
        ("Picking", "Dispatching"),
        ("Dispatching", "Dispatched"),
    ]
    (shipment,) = order.khaos_shipments.all()
    assert shipment.consignment_ref == "RM123456"
    assert shipment.courier == "Royal Mail Tracked 48"
    assert shipment.tracking_url.endswith("/RM123456")
    assert [(s.line_id, s.quantity) for s in shipment.lines.all()] == [(order.lines.get().pk, 2)]
    assert order.lines.get().shipping_status == "Dispatched"
    # The first poll looks back a week, a day per call; later polls need one call.
    assert (first.khaos_calls, later.khaos_calls) == (7, 1)
    (email,) = mail.outbox
    assert email.to == ["ann@example.com"] and order.number in email.subject
    assert shipment.tracking_url in email.body
    assert shipment.tracking_url in email.alternatives[0][0]
    assert (
        CommunicationEvent.objects.filter(order=order, event_type__code="ORDER_DISPATCHED").count()
        == 1
    )


def test_two_of_three_lines_shipped_then_the_rest(shop: Shop) -> None:
    order = shop.place([1, 2, 1])
    first, second, third = shop.codes(order)
    poll(shop)

    shop.sim.control.ship(
        order.number, {first: 1, second: 2}, consignment_ref="RM1", courier="RM48"
    )
    poll(shop)
    part = statuses(order)
    shop.sim.control.ship(order.number, consignment_ref="DPD2", courier="DPD")
    poll(shop)

    assert part == ("Part dispatched", ["Dispatched", "Dispatched", "Processing"])
    assert statuses(order) == ("Dispatched", ["Dispatched"] * 3)
    one, two = order.khaos_shipments.all()
    sent = {s.line.partner_sku: s.quantity for s in one.lines.select_related("line")}
    assert sent == {first: 1, second: 2}
    assert [s.line.partner_sku for s in two.lines.select_related("line")] == [third]
    assert "track.dpd.co.uk" in two.tracking_url
    assert [e.notes for e in ShippingEvent.objects.filter(order=order).order_by("pk")] == [
        "RM1",
        "DPD2",
    ]
    part, rest = mail.outbox
    assert "RM1" in part.body and "Part of your order" in part.body
    assert "DPD2" in rest.body and f"Your order {order.number} has been dispatched" in rest.body


def test_a_cancellation_in_khaos_cancels_the_shop_order_with_its_reason(shop: Shop) -> None:
    order = shop.place([1, 1])
    poll(shop)

    shop.sim.control.cancel(order.number, reason="Item discontinued by supplier", user="jane")
    poll(shop)

    assert statuses(order) == ("Cancelled", ["Cancelled", "Cancelled"])
    (note,) = OrderNote.objects.filter(order=order)
    assert "Item discontinued by supplier" in note.message and "jane" in note.message


def test_replaying_the_feed_changes_nothing(shop: Shop) -> None:
    order = shop.place([1, 1])
    first, _second = shop.codes(order)
    poll(shop)
    shop.sim.control.ship(order.number, {first: 1}, consignment_ref="RM9")
    poll(shop)
    before = snapshot(order)

    again = poll(shop)
    # Forget what was applied: the same statuses applied in full still change nothing.
    OrderStatusBinding.objects.all().delete()
    forced = sync_order_status([order.number], url=shop.sim.url)

    assert snapshot(order) == before
    assert (again.updated, again.created, again.unchanged) == (0, 0, 1)
    assert (forced.updated, forced.created, forced.unchanged) == (0, 0, 1)


def snapshot(order) -> dict[str, object]:  # type: ignore[no-untyped-def]
    order.refresh_from_db()
    return {
        "status": statuses(order),
        "status_changes": OrderStatusChange.objects.filter(order=order).count(),
        "shipping_events": ShippingEvent.objects.filter(order=order).count(),
        "shipments": Shipment.objects.filter(order=order).count(),
        "notes": OrderNote.objects.filter(order=order).count(),
        "communications": CommunicationEvent.objects.filter(order=order).count(),
        "emails": len(mail.outbox),
    }


def test_a_status_for_an_order_the_shop_does_not_know_is_counted(shop: Shop) -> None:
    known = shop.place([1])
    shop.send(known, number="ELSEWHERE1")

    run = poll(shop)

    assert run.summary["unknown_orders"] == 1
    assert statuses(known)[0] == "Processing"


def test_a_change_the_pipeline_forbids_is_logged_and_skipped(
    shop: Shop, caplog: pytest.LogCaptureFixture
) -> None:
    order = shop.place([1])
    EventHandler().handle_order_status_change(order, "Cancelled", note_msg="Customer phoned")
    shop.sim.control.set_stage(order.number, 12)

    with caplog.at_level(logging.WARNING):
        run = poll(shop)

    assert statuses(order)[0] == "Cancelled"
    assert run.summary["forbidden"] == 1
    assert any(getattr(r, "to_status", None) == "Picking" for r in caplog.records)


def test_a_failed_order_is_logged_with_its_payload_and_the_others_still_land(
    shop: Shop,
) -> None:
    broken, fine = shop.place([1]), shop.place([1])
    shop.sim.control.ship(broken.number, consignment_ref="RM5")

    def failing_receiver(sender, order, **kwargs):  # type: ignore[no-untyped-def]
        if order.number == broken.number:
            raise RuntimeError("the shop's own status hook failed")

    order_status_changed.connect(failing_receiver)
    try:
        run = sync_status_once(url=shop.sim.url)
    finally:
        order_status_changed.disconnect(failing_receiver)

    assert run.outcome == SyncRun.Outcome.PARTIAL
    failure = run.failures.get()
    assert failure.key == broken.number
    assert f'ASSOCIATED_REF="{broken.number}"' in failure.payload
    assert "status hook failed" in failure.traceback
    # Nothing of the failed order was half applied; the other order landed.
    assert (statuses(broken)[0], broken.khaos_shipments.count()) == ("Pending", 0)
    assert statuses(fine)[0] == "Processing"

    retried = sync_status_once(url=shop.sim.url)

    assert statuses(broken)[0] == "Dispatched" and retried.outcome == SyncRun.Outcome.SUCCEEDED
    failure.refresh_from_db()
    assert failure.state == failure.State.RESOLVED


def test_a_dispatch_email_the_mail_server_refused_is_sent_by_the_next_poll(
    shop: Shop, settings, unused_port: int
) -> None:
    order = shop.place([1])
    shop.sim.control.ship(order.number, consignment_ref="RM808")
    locmem = settings.EMAIL_BACKEND
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", unused_port

    refused = sync_status_once(url=shop.sim.url)
    settings.EMAIL_BACKEND = locmem
    next_poll = sync_status_once(url=shop.sim.url)

    assert statuses(order)[0] == "Dispatched"
    assert refused.failures.get().key == f"{order.number}/e-mail"
    assert next_poll.summary["emails"] == 1 and "RM808" in mail.outbox[0].body
    assert refused.failures.get().state == "resolved"


def test_the_status_flow_is_scheduled_every_quarter_of_an_hour() -> None:
    [scheduled] = scheduled_flows(["status"])

    assert scheduled.interval == timedelta(minutes=15) and scheduled.spec.retry is not None


def test_the_status_interval_setting_changes_the_worker_schedule(settings) -> None:
    settings.KHAOS_SYNC = {**settings.KHAOS_SYNC, "status": {**settings.KHAOS_SYNC["status"]}}
    settings.KHAOS_SYNC["status"]["interval_minutes"] = 4

    [scheduled] = scheduled_flows(["status"])

    assert scheduled.interval == timedelta(minutes=4)
