"""Queueing orders for Khaos in the same database transaction that creates them.

Oscar 4.2 sends ``order_placed`` *after* the transaction that wrote the order
has committed, so a crash between the two would lose the order for Khaos.
The row is therefore written by ``post_save`` of the order, which runs inside
Oscar's ``transaction.atomic()`` block: the order and its outbox row commit
together or not at all. ``order_placed`` only makes sure the row exists (for
orders saved with signals muted) and wakes an exporter once committed.

An order saved by Oscar's checkout gets its payment details *after* it is
placed; the export therefore waits for ``post_checkout`` (or, for orders placed
any other way, ``[orders] settle_seconds``) before it reads the order.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from khaos_sync.sync.orders import wake
from khaos_sync.sync.orders.models import OrderExport

log = logging.getLogger(__name__)


def settle_delay() -> timedelta:
    return timedelta(seconds=settings.KHAOS_SYNC["orders"]["settle_seconds"])


def queue_order(order: Any) -> OrderExport:
    """The order's outbox row, created if missing (safe to call twice)."""
    existing = OrderExport.objects.filter(order_id=order.pk).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            export = OrderExport.objects.create(
                order=order,
                order_number=order.number,
                next_attempt_at=timezone.now() + settle_delay(),
            )
    except IntegrityError:
        return OrderExport.objects.get(order_id=order.pk)
    log.info("order queued for Khaos", extra={"order_number": order.number})
    return export


def on_order_saved(
    sender: Any, instance: Any, created: bool, raw: bool = False, **kwargs: Any
) -> None:
    # raw: loaddata restoring historic orders, which were exported back then.
    if created and not raw:
        queue_order(instance)


def on_order_placed(sender: Any, order: Any, **kwargs: Any) -> None:
    queue_order(order)
    if not settle_delay():
        transaction.on_commit(wake.orders_ready)


def on_checkout_finished(sender: Any, order: Any, **kwargs: Any) -> None:
    """Checkout saved the payment details: the order is complete, export it now."""
    OrderExport.objects.filter(order_id=order.pk, state=OrderExport.State.QUEUED).update(
        next_attempt_at=timezone.now()
    )
    transaction.on_commit(wake.orders_ready)
