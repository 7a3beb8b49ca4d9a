"""The status importer: fetch → map → skip if unchanged → lock the order → apply → bind.

One question per poll returns every web order Khaos changed since the cursor (minus a buffer for clock skew), with tracking, cancellations
and items. Each order is applied in its own transaction, so one bad order is
logged with its raw XML and the others still land.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from khaos_sync.backends.base import KhaosBackend, StatusAnswer
from khaos_sync.mappers.status import StatusChange, StatusMappingError, map_order_status
from khaos_sync.store import status as store
from khaos_sync.sync.core.cursors import advance_cursor, read_cursor
from khaos_sync.sync.core.importer import KhaosImporter
from khaos_sync.sync.core.models import Flow
from khaos_sync.sync.core.runs import RunRecorder, resolve_failures
from khaos_sync.sync.status.models import OrderStatusBinding

log = logging.getLogger(__name__)

CURSOR = "status"
# Khaos's clock may run ahead of ours; the open end of the window allows for it.
AHEAD = timedelta(days=1)
LOOKUP_CHUNK = 500
EMAIL_KEY_SUFFIX = "/e-mail"
GIVE_UP_AFTER_FAILED_EMAILS = 5


class StatusImporter(KhaosImporter):
    flow = Flow.STATUS

    def __init__(self, backend: KhaosBackend, recorder: RunRecorder) -> None:
        super().__init__(backend, recorder)
        config = self.config
        self.table: dict[int, str] = config["stage_statuses"]
        self.buffer = timedelta(minutes=config["change_buffer_minutes"])
        self.first_run = timedelta(days=config["first_run_days"])
        self.max_window = timedelta(hours=config["max_window_hours"])
        self.send_emails: bool = config["dispatch_email"]
        self.handler = store.EventHandler()
        # The run's summary, written to the run row when it finishes.
        for name in ("orders", "unknown_orders", "forbidden", "shipments", "unmatched_items"):
            recorder.add(name, 0)

    # --- the runs ---

    def run_since_cursor(self) -> None:
        started = timezone.now()
        since = read_cursor(CURSOR, buffer=self.buffer) or started - self.first_run
        for date_from, date_to in windows(since, started, self.max_window):
            self.apply_answer(self.backend.order_statuses(date_from, date_to))
        self.notify_customers()
        advance_cursor(CURSOR, started)

    def run_orders(self, numbers: Sequence[str]) -> None:
        """Ask Khaos about named shop orders now (on demand, or a retry)."""
        self.apply_answer(self.backend.order_statuses_of(numbers))
        self.notify_customers()

    # --- applying ---

    def apply_answer(self, answer: StatusAnswer) -> None:
        changes = list(self.map_records(answer))
        self.recorder.add("orders", len(changes))
        for chunk in chunked(changes, LOOKUP_CHUNK):
            self.apply_chunk(chunk, answer)

    def map_records(self, answer: StatusAnswer) -> Iterator[tuple[int, StatusChange]]:
        for index, record in enumerate(answer.records):
            try:
                change = map_order_status(record, self.table)
            except StatusMappingError as exc:
                self.recorder.fail(
                    record.associated_ref or record.order_code or "?", answer.raw(index), exc
                )
                continue
            if change.unknown_stages:
                log.warning(
                    "invoice stage not in the status table",
                    extra={"order": change.order_number, "stages": change.unknown_stages},
                )
            yield index, change

    def apply_chunk(self, chunk: list[tuple[int, StatusChange]], answer: StatusAnswer) -> None:
        numbers = [change.order_number for _index, change in chunk]
        orders = {o.number: o for o in store.Order.objects.filter(number__in=numbers)}
        hashes = dict(
            OrderStatusBinding.objects.filter(order__number__in=numbers).values_list(
                "order__number", "synced_hash"
            )
        )
        done = []
        for index, change in chunk:
            order = orders.get(change.order_number)
            if order is None:
                self.unknown_order(change)
            elif hashes.get(order.number) == change.fingerprint():
                self.recorder.count("unchanged")
            elif self.apply_one(order, change, raw=lambda i=index: answer.raw(i)):
                done.append(order.number)
        resolve_failures(Flow.STATUS, done)

    def apply_one(self, order: Any, change: StatusChange, *, raw: Callable[[], str]) -> bool:
        try:
            with transaction.atomic():
                applied = store.apply_change(store.locked_order(order.pk), change, self.handler)
        except Exception as exc:  # a database or data error: log the order, go on
            self.recorder.fail(change.order_number, raw(), exc)
            return False
        self.recorder.count("updated" if applied.changed else "unchanged")
        self.recorder.count("created", applied.shipments_created)
        self.recorder.add("shipments", applied.shipments_created)
        self.recorder.add("unmatched_items", applied.unmatched_items)
        self.recorder.add("forbidden", bool(applied.forbidden))
        fields = {"order": order.number, "to_status": change.status, "changed": applied.changed}
        log.info("order status applied", extra=fields | asdict(applied))
        return True

    def unknown_order(self, change: StatusChange) -> None:
        self.recorder.add("unknown_orders", 1)
        log.info(
            "status for an order the shop does not know",
            extra={"order": change.order_number, "khaos_order": change.khaos_order_code},
        )

    # --- e-mail ---

    def notify_customers(self) -> None:
        """Send the dispatch e-mail of every shipment not yet notified (retries included)."""
        if not self.send_emails:
            return
        sent = failed_in_a_row = 0
        for shipment in store.shipments_to_notify():
            if failed_in_a_row == GIVE_UP_AFTER_FAILED_EMAILS:
                # The mail server is down, not one message wrong: the rest wait for the next poll.
                log.warning("dispatch e-mails postponed", extra={"after_failures": failed_in_a_row})
                break
            key = f"{shipment.order.number}{EMAIL_KEY_SUFFIX}"
            try:
                store.send_dispatch_email(shipment)
            except Exception as exc:  # the mail server: log the shipment, try again next run
                self.recorder.fail(key, f"shipment {shipment.pk} ({shipment.key})", exc)
                failed_in_a_row += 1
                continue
            resolve_failures(Flow.STATUS, [key])
            sent += 1
            failed_in_a_row = 0
        self.recorder.summary["emails"] = sent


def windows(
    since: datetime, until: datetime, size: timedelta
) -> Iterator[tuple[datetime, datetime]]:
    """Date ranges of at most ``size`` from ``since``; the last one reaches past ``until``."""
    start = since
    while until - start > size:
        yield start, start + size
        start += size
    yield start, until + AHEAD


def chunked(items: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
