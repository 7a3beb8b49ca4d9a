"""Serving orders to Khaos Control Cloud's order pull, exactly once.

Orders come from the same outbox (``OrderExport``) and the same order
builder as the SOAP export. Each answer is a page of at most ``[cloud]
page_size`` orders with a continuation token; Khaos echoes the token back on
its next pull, and only then do the orders of that page count as delivered.
An answer lost on the way is therefore served again (Khaos imports by
associated ref, so a repeat is harmless), and nothing is skipped. A status
upload naming an order confirms it (see ``applying.confirm_imported``).
``SpecificIDs`` asks for named orders again, whatever their state.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Final

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from khaos_sync.cloud.models import CloudDelivery, CloudPage
from khaos_sync.mappers.orders import OrderSettings, build_sales_order
from khaos_sync.protocol.cloud.orders import write_order_download
from khaos_sync.protocol.cloud.payload import Format
from khaos_sync.protocol.documents.orders import SalesOrder
from khaos_sync.protocol.errors import KhaosError
from khaos_sync.protocol.values import parse_datetime
from khaos_sync.store.orders import load_orders, shop_order
from khaos_sync.sync.core.golive import writes_allowed
from khaos_sync.sync.core.models import Flow
from khaos_sync.sync.core.runs import record_failure, resolve_failures
from khaos_sync.sync.orders.models import OrderExport

log = logging.getLogger(__name__)
State = OrderExport.State

TOKEN_PREFIX: Final = "khaos-sync-page-"
# Orders the checkout is still writing (no lines yet) wait for a later pull.
UNFINISHED_PATIENCE: Final = timedelta(minutes=10)


@dataclass(frozen=True)
class Page:
    orders: list[SalesOrder]
    continuation: str


def pull(continuation: str | None, specific: Sequence[str] | None) -> Page:
    if specific:
        return Page(orders_named(specific), continuation or "")
    since = acknowledge(continuation)
    if not writes_allowed():
        # Dry run: orders are built and checked but wait for go-live.
        return Page([], continuation or "")
    return next_page(since, continuation)


def acknowledge(continuation: str | None) -> datetime | None:
    """Mark the page Khaos echoes back as delivered; a datetime (first contact) is a lower bound."""
    text = (continuation or "").strip()
    if text.startswith(TOKEN_PREFIX):
        page = CloudPage.objects.filter(pk=_page_id(text)).first()
        if page is None:
            log.warning("unknown continuation token", extra={"continuation": text[:100]})
            return None
        delivered = CloudDelivery.objects.filter(export_id__in=page.export_ids, delivered_at=None)
        count = delivered.update(delivered_at=timezone.now())
        if count:
            log.info("orders delivered", extra={"page": page.pk, "orders": count})
        return None
    if not text:
        return None
    try:
        moment = parse_datetime(text.removesuffix("Z").removesuffix("z"), where="continuation")
    except KhaosError:
        log.warning("continuation is neither ours nor a date", extra={"continuation": text[:100]})
        return None
    if moment is None:
        return None
    # Khaos's first contact sends a UTC datetime ("…Z").
    return timezone.make_aware(moment, UTC) if text[-1:] in "Zz" else moment


def _page_id(token: str) -> int:
    digits = token.removeprefix(TOKEN_PREFIX)
    return int(digits) if digits.isdigit() else -1


def waiting(since: datetime | None) -> QuerySet[OrderExport]:
    # next_attempt_at: the checkout's settle time, as the SOAP export waits for it.
    rows = OrderExport.objects.filter(
        state=State.QUEUED, next_attempt_at__lte=timezone.now()
    ).exclude(cloud__delivered_at__isnull=False)
    if since is not None:
        if timezone.is_naive(since):
            since = timezone.make_aware(since)
        rows = rows.filter(order__date_placed__gte=since)
    return rows.order_by("pk")


def next_page(since: datetime | None, continuation: str | None) -> Page:
    size = int(settings.KHAOS_SYNC["cloud"]["page_size"])
    builder = OrderBuilder()
    served: list[tuple[OrderExport, SalesOrder]] = []
    seen: list[int] = []
    # Rows that turn out not to be for Khaos leave the queue, so keep reading until full.
    while len(served) < size:
        rows = list(waiting(since).exclude(pk__in=seen)[: size * 2])
        seen.extend(row.pk for row in rows)
        batch = [built for built in builder.build(rows) if built is not None]
        served.extend(batch[: size - len(served)])
        if len(rows) < size * 2:
            break
    if not served:
        return Page([], continuation or new_page([]))
    token = new_page([row.pk for row, _order in served])
    record_served([row for row, _order in served])
    return Page([order for _row, order in served], token)


def new_page(export_ids: list[int]) -> str:
    page = CloudPage.objects.create(created_at=timezone.now(), export_ids=export_ids)
    return f"{TOKEN_PREFIX}{page.pk}"


def record_served(rows: Sequence[OrderExport]) -> None:
    now = timezone.now()
    with transaction.atomic():
        existing = {
            d.export_id: d for d in CloudDelivery.objects.filter(export__in=[r.pk for r in rows])
        }
        for row in rows:
            delivery = existing.get(row.pk)
            if delivery is None:
                CloudDelivery.objects.create(
                    export=row,
                    order_number=row.order_number,
                    times_served=1,
                    first_served_at=now,
                    last_served_at=now,
                )
            else:
                delivery.times_served += 1
                delivery.last_served_at = now
                delivery.save(update_fields=["times_served", "last_served_at"])
        OrderExport.objects.filter(pk__in=[r.pk for r in rows], sent_at=None).update(sent_at=now)


def orders_named(numbers: Sequence[str]) -> list[SalesOrder]:
    rows = OrderExport.objects.filter(order_number__in=list(numbers)).exclude(
        state=State.NOT_FOR_KHAOS
    )
    built = [b for b in OrderBuilder().build(list(rows.order_by("pk"))) if b is not None]
    record_served([row for row, _order in built])
    return [order for _row, order in built]


class OrderBuilder:
    """The SOAP export's builder rules; orders it cannot send are held for a person."""

    def __init__(self) -> None:
        self.settings = OrderSettings.from_config(
            settings.KHAOS_SYNC["khaos"], settings.KHAOS_SYNC["orders"]
        )

    def build(self, rows: Sequence[OrderExport]) -> list[tuple[OrderExport, SalesOrder] | None]:
        orders = load_orders(row.order_id for row in rows)
        return [self.build_one(row, orders.get(row.order_id)) for row in rows]

    def build_one(self, row: OrderExport, order: Any) -> tuple[OrderExport, SalesOrder] | None:
        if order is None:
            return None
        if not order.lines.all() and timezone.now() - order.date_placed < UNFINISHED_PATIENCE:
            return None
        try:
            built = build_sales_order(shop_order(order), self.settings)
            if built.hold:
                self.hold(row, "; ".join(built.hold))
                return None
            if built.order is None:
                OrderExport.objects.filter(pk=row.pk).update(
                    state=State.NOT_FOR_KHAOS, last_error="", updated_at=timezone.now()
                )
                return None
            # Written once here so a value KCC cannot carry holds the order, not the page.
            write_order_download([built.order], Format.JSON)
        except KhaosError as exc:
            self.hold(row, str(exc))
            return None
        except Exception as exc:  # our own error: kept with its traceback for a person
            log.exception("order could not be built", extra={"order_number": row.order_number})
            self.hold(row, f"{type(exc).__name__}: {exc}", exc)
            return None
        resolve_failures(Flow.ORDERS, [row.order_number])
        return row, built.order

    def hold(self, row: OrderExport, reason: str, exc: BaseException | None = None) -> None:
        OrderExport.objects.filter(pk=row.pk).update(
            state=State.HELD, last_error=reason, updated_at=timezone.now()
        )
        record_failure(Flow.ORDERS, row.order_number, "", exc or ValueError(reason))
        log.warning("order held", extra={"order_number": row.order_number, "reason": reason})


def unconfirmed(now: datetime | None = None) -> QuerySet[CloudDelivery]:
    """Orders delivered to Khaos that no status has named for ``[cloud] unconfirmed_hours``."""
    hours = int(settings.KHAOS_SYNC["cloud"]["unconfirmed_hours"])
    limit = (now or timezone.now()) - timedelta(hours=hours)
    return CloudDelivery.objects.filter(confirmed_at=None, delivered_at__lt=limit)
