"""Sending queued orders to Khaos: claim → reconcile if unsure → build → send → record.

Exactly once: the associated ref (the order number) is Khaos's idempotency
key. A row is claimed by one sender at a time (``claim.py``); whenever a send
ended without a readable answer the row is marked ``needs_reconcile`` and
Khaos is asked (ExportOrderStatusEx by associated ref) before any resend; a
"duplicate" refusal is reconciled the same way and counts as imported.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from khaos_sync.mappers.orders import BuiltOrder, OrderSettings, build_sales_order
from khaos_sync.protocol.client import KhaosClient
from khaos_sync.protocol.documents.orders import SalesOrder, build_orders
from khaos_sync.protocol.errors import KhaosError, ProtocolError, SoapFault, TransientError
from khaos_sync.protocol.results import OrderImportResult
from khaos_sync.store.orders import load_orders, shop_order
from khaos_sync.sync.core.golive import writes_allowed
from khaos_sync.sync.core.models import Flow
from khaos_sync.sync.core.runs import RunRecorder, record_failure, resolve_failures
from khaos_sync.sync.customers.models import CustomerBinding
from khaos_sync.sync.orders.classify import SkipKind, classify_skip
from khaos_sync.sync.orders.models import OrderExport
from khaos_sync.sync.orders.reconcile import KhaosOrder, find_in_khaos

log = logging.getLogger(__name__)
State = OrderExport.State

# An order with no lines at all is still being written (not by Oscar's checkout,
# which writes order and lines together): look again a little later.
UNFINISHED_ORDER_WAIT = timedelta(seconds=30)
# In dry-run mode orders are built and checked but wait for go-live.
DRY_RUN_WAIT = timedelta(seconds=60)
UNFINISHED_ORDER_PATIENCE = timedelta(minutes=10)


class OrderHeld(Exception):
    """An order a person must look at; the message is the reason shown to them."""


@dataclass
class Pending:
    row: OrderExport
    order: Any
    sales_order: SalesOrder
    document: bytes  # this order alone, kept as the payload of any alert


class OrderExporter:
    def __init__(
        self,
        client: KhaosClient,
        recorder: RunRecorder,
        *,
        khaos: Mapping[str, Any],
        orders: Mapping[str, Any],
        holder: str,
    ) -> None:
        self.client = client
        self.recorder = recorder
        self.config = orders
        self.settings = OrderSettings.from_config(khaos, orders)
        self.holder = holder

    # the batch -------------------------------------------------------------------

    def export(self, rows: Sequence[OrderExport]) -> None:
        orders = load_orders(row.order_id for row in rows)
        rows = self._reconcile_first([r for r in rows if r.order_id in orders], orders)
        pending = [p for p in (self._prepare(row, orders[row.order_id]) for row in rows) if p]
        self._send(pending)

    def _reconcile_first(
        self, rows: list[OrderExport], orders: Mapping[int, Any]
    ) -> list[OrderExport]:
        """Rows whose last send may have reached Khaos are looked up before any resend."""
        unsure = [row for row in rows if row.needs_reconcile]
        if not unsure:
            return rows
        try:
            found = self._find(unsure)
        except KhaosError as exc:
            for row in unsure:
                self._retry_later(row, f"could not ask Khaos about the last send: {exc}", exc)
            return [row for row in rows if not row.needs_reconcile]
        for row in unsure:
            if row.order_number in found:
                self._imported(row, orders[row.order_id], found[row.order_number], reconciled=True)
            else:
                row.needs_reconcile = False
        return [row for row in rows if row.order_number not in found]

    def _prepare(self, row: OrderExport, order: Any) -> Pending | None:
        try:
            if not order.lines.all() and self._unfinished(row, order):
                return None
            built = build_sales_order(shop_order(order), self.settings)
            row.skipped_lines = [line.as_json() for line in built.skipped]
            return self._pending(row, order, built)
        except Exception as exc:
            self._failed(row, exc, payload="")
            return None

    def _pending(self, row: OrderExport, order: Any, built: BuiltOrder) -> Pending | None:
        if built.hold:
            self._hold(row, OrderHeld("; ".join(built.hold)), payload="\n".join(built.hold))
            return None
        if built.order is None:
            self._not_for_khaos(row)
            return None
        try:
            document = build_orders([built.order])
        except KhaosError as exc:  # a value XML cannot carry, a field Khaos would cut
            self._hold(row, exc, payload="")
            return None
        return Pending(row, order, built.order, document)

    def _unfinished(self, row: OrderExport, order: Any) -> bool:
        if timezone.now() - order.date_placed > UNFINISHED_ORDER_PATIENCE:
            return False
        self._save(row, state=State.QUEUED, next_attempt_at=timezone.now() + UNFINISHED_ORDER_WAIT)
        self.recorder.count("unchanged")
        return True

    # sending ---------------------------------------------------------------------

    def _send(self, pending: list[Pending]) -> None:
        if not pending:
            return
        if not writes_allowed():
            self._wait_for_go_live(pending)
            return
        now = timezone.now()
        for item in pending:
            item.row.attempts += 1
            item.row.sent_at = now
        document = build_orders(item.sales_order for item in pending)
        self.recorder.call_made()
        try:
            result = self.client.import_orders(orders=document.decode("utf-8"))
        except TransientError as exc:
            self._unknown_outcome(pending, exc) if exc.request_sent else self._not_sent(
                pending, exc
            )
            return
        except ProtocolError as exc:  # Khaos processed the call but its answer is unreadable
            self._unknown_outcome(pending, exc)
            return
        except SoapFault as exc:
            self._refused_call(pending, exc)
            return
        self._record_result(pending, result)

    def _wait_for_go_live(self, pending: list[Pending]) -> None:
        """Dry run: nothing is written to Khaos; the orders stay queued until go-live."""
        for item in pending:
            self._save(item.row, state=State.QUEUED, next_attempt_at=timezone.now() + DRY_RUN_WAIT)
        self.recorder.count("unchanged", len(pending))
        self.recorder.summary["dry_run_orders"] = len(pending)
        log.info("dry run: orders built, not sent to Khaos", extra={"orders": len(pending)})

    def _record_result(self, pending: list[Pending], result: OrderImportResult) -> None:
        imported = {entry.associated_ref: entry for entry in result.imported}
        skipped = {entry.order_ref: entry.skip_reason for entry in result.skipped}
        duplicates: list[Pending] = []
        missing: list[Pending] = []
        # One commit for the batch's results; the questions to Khaos come after it,
        # so no database transaction is ever open during a call.
        with transaction.atomic():
            for item in pending:
                ref = item.row.order_number
                if ref in imported:
                    entry = imported[ref]
                    self._imported(
                        item.row, item.order, KhaosOrder(ref, entry.sales_order_code, entry.urn)
                    )
                elif ref not in skipped:
                    missing.append(item)
                elif self._skipped(item, skipped[ref]) is SkipKind.DUPLICATE:
                    duplicates.append(item)
        if duplicates:
            self._reconcile_duplicates(duplicates)
        if missing:
            self._unknown_outcome(
                missing, ProtocolError("Khaos's answer did not mention the order")
            )

    def _skipped(self, item: Pending, reason: str) -> SkipKind:
        kind = classify_skip(reason, self.config)
        if kind is SkipKind.REFUSED:
            self._hold(item.row, OrderHeld(f"Khaos refused the order: {reason}"), item.document)
        elif kind is SkipKind.UNKNOWN:
            self._retry_later(item.row, f"Khaos skipped the order: {reason}", None, item.document)
        return kind

    def _not_sent(self, pending: list[Pending], exc: KhaosError) -> None:
        for item in pending:
            self._retry_later(item.row, f"Khaos could not be reached: {exc}", exc, item.document)

    def _unknown_outcome(self, pending: list[Pending], exc: KhaosError) -> None:
        """The orders may or may not be in Khaos: ask before anything is sent again."""
        log.warning(
            "order import outcome unknown, asking Khaos",
            extra={"orders": [p.row.order_number for p in pending], "error": str(exc)},
        )
        for item in pending:
            item.row.needs_reconcile = True
        try:
            found = self._find([item.row for item in pending])
        except KhaosError as lookup_error:
            for item in pending:
                self._retry_later(
                    item.row,
                    f"send outcome unknown ({exc}); lookup failed: {lookup_error}",
                    exc,
                    item.document,
                )
            return
        for item in pending:
            if item.row.order_number in found:
                self._imported(item.row, item.order, found[item.row.order_number], reconciled=True)
            else:
                item.row.needs_reconcile = False
                self._retry_later(item.row, f"not imported: {exc}", exc, item.document)

    def _refused_call(self, pending: list[Pending], fault: SoapFault) -> None:
        """A Fault for the whole call: find the order behind it by sending one at a time."""
        if len(pending) > 1:
            for item in pending:
                item.row.attempts -= 1
                self._send([item])
            return
        item = pending[0]
        self._hold(
            item.row, OrderHeld(f"Khaos refused the order: {fault.fault_string}"), item.document
        )

    def _reconcile_duplicates(self, pending: list[Pending]) -> None:
        try:
            found = self._find([item.row for item in pending])
        except KhaosError as exc:
            for item in pending:
                item.row.needs_reconcile = True
                self._retry_later(item.row, f"Khaos reports a duplicate; lookup failed: {exc}", exc)
            return
        for item in pending:
            match = found.get(item.row.order_number)
            if match is not None:
                self._imported(item.row, item.order, match, reconciled=True)
            else:
                reason = (
                    "Khaos reports a duplicate order, but no order with this reference was found"
                )
                self._hold(item.row, OrderHeld(reason), item.document)

    def _find(self, rows: Sequence[OrderExport]) -> dict[str, KhaosOrder]:
        self.recorder.call_made()
        return find_in_khaos(self.client, [row.order_number for row in rows])

    # outcomes --------------------------------------------------------------------

    def _imported(
        self, row: OrderExport, order: Any, found: KhaosOrder, *, reconciled: bool = False
    ) -> None:
        saved = self._save(
            row,
            state=State.IMPORTED,
            khaos_order_code=found.order_code,
            urn=found.urn,
            imported_at=timezone.now(),
            needs_reconcile=False,
            last_error="",
        )
        if not saved:
            return
        bind_customer(order, found.urn)
        resolve_failures(Flow.ORDERS, [row.order_number])
        self.recorder.count("created")
        self._tally("reconciled" if reconciled else "imported")
        log.info(
            "order imported into Khaos",
            extra={
                "order_number": row.order_number,
                "khaos_order": found.order_code,
                "urn": found.urn,
            },
        )

    def _not_for_khaos(self, row: OrderExport) -> None:
        if self._save(row, state=State.NOT_FOR_KHAOS, last_error=""):
            self.recorder.count("unchanged")
            self._tally("not_for_khaos")

    def _hold(self, row: OrderExport, exc: BaseException, payload: bytes | str) -> None:
        """A person must act: alert now, never retry by itself."""
        if not self._save(row, state=State.HELD, last_error=str(exc), lease_until=None):
            return
        self._alert(row, exc, payload)
        self._tally("held")

    def _failed(self, row: OrderExport, exc: BaseException, payload: bytes | str) -> None:
        """Our own error (not Khaos's): kept with its traceback for a person to retry."""
        log.exception("order export failed", extra={"order_number": row.order_number})
        if self._save(row, state=State.FAILED, last_error=f"{type(exc).__name__}: {exc}"):
            self._alert(row, exc, payload)
            self._tally("failed")

    def _retry_later(
        self, row: OrderExport, reason: str, exc: BaseException | None, payload: bytes | str = b""
    ) -> None:
        if row.attempts >= self.config["max_attempts"]:
            self._hold(row, OrderHeld(f"gave up after {row.attempts} attempts: {reason}"), payload)
            return
        delay = backoff(
            row.attempts, self.config["backoff_seconds"], self.config["backoff_max_seconds"]
        )
        if self._save(
            row, state=State.QUEUED, last_error=reason, next_attempt_at=timezone.now() + delay
        ):
            self.recorder.count("updated")
            self._tally("retry_later")
            log.info(
                "order export will be retried",
                extra={"order_number": row.order_number, "error": reason},
            )

    def _alert(self, row: OrderExport, exc: BaseException, payload: bytes | str) -> None:
        text = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else payload
        log.error(
            "order needs attention", extra={"order_number": row.order_number, "reason": str(exc)}
        )
        record_failure(Flow.ORDERS, row.order_number, text, exc, run=self.recorder.run)
        self.recorder.count("failed")

    def _save(self, row: OrderExport, **changes: Any) -> bool:
        """Write the row, but only while this sender still holds it."""
        for name, value in changes.items():
            setattr(row, name, value)
        values = {
            "attempts": row.attempts,
            "sent_at": row.sent_at,
            "needs_reconcile": row.needs_reconcile,
            "skipped_lines": row.skipped_lines,
            "updated_at": timezone.now(),
            "lease_holder": "",
            "lease_until": None,
            **changes,
        }
        updated = OrderExport.objects.filter(
            pk=row.pk, state=State.SENDING, lease_holder=self.holder
        ).update(**values)
        if not updated:
            log.warning(
                "order export lease lost to another sender",
                extra={"order_number": row.order_number},
            )
        return bool(updated)

    def _tally(self, outcome: str) -> None:
        self.recorder.summary[outcome] = int(self.recorder.summary.get(outcome, 0)) + 1  # type: ignore[call-overload]


def backoff(attempts: int, base: float, ceiling: float) -> timedelta:
    """Exponential: base, 2×base, 4×base… capped at ``ceiling`` seconds."""
    return timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), ceiling))


def bind_customer(order: Any, urn: str) -> None:
    """Remember the Khaos customer (URN) of a shop account for its next orders."""
    if not urn or order.user_id is None:
        return
    try:
        with transaction.atomic():
            binding = (
                CustomerBinding.objects.select_for_update().filter(user_id=order.user_id).first()
            )
            if binding is None:
                CustomerBinding.objects.create(
                    user_id=order.user_id,
                    company_code=urn,
                    source="order import",
                    synced_at=timezone.now(),
                )
            elif binding.company_code != urn:
                binding.company_code = urn
                binding.synced_at = timezone.now()
                binding.save(update_fields=["company_code", "synced_at"])
    except IntegrityError:
        # Khaos matched this account to a customer already linked to another account
        # (same name and postcode, say): keep the first link, Khaos goes on matching.
        log.warning(
            "Khaos customer already linked to another account",
            extra={"urn": urn, "user_id": order.user_id, "order_number": order.number},
        )
