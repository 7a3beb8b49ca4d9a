"""Sending queued orders to Khaos: claim → reconcile if unsure → build → send → record.

Exactly once: the associated ref (the order number) is Khaos's idempotency
key. A row is claimed by one sender at a time (``claim.py``); whenever a send
ended without a readable answer the row is marked ``needs_reconcile`` and
Khaos is asked (its orders by associated ref) before any resend.

Outcomes are decided by asking Khaos, never by reading its words: after any
skip or fault, the order is looked up by its web ref. If Khaos holds it, it is
imported. If not, a skip (Khaos's refusal of the data or the stock) is held
for a person, and a fault is retried a bounded number of times: faults also
come from connectivity and deadlocks. Only attempts Khaos answered count
towards ``max_attempts``; while Khaos cannot be reached, orders wait with a
capped back-off for as long as it takes, and an alert is raised.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from khaos_sync.backends.base import KhaosBackend
from khaos_sync.mappers.orders import BuiltOrder, OrderSettings, build_sales_order
from khaos_sync.protocol.documents.orders import SalesOrder, build_orders
from khaos_sync.protocol.errors import KhaosError, ProtocolError, SoapFault, TransientError
from khaos_sync.protocol.results import OrderImportResult
from khaos_sync.store.orders import load_orders, shop_order
from khaos_sync.sync.core.golive import writes_allowed
from khaos_sync.sync.core.models import Flow
from khaos_sync.sync.core.runs import RunRecorder, record_failure, resolve_failures
from khaos_sync.sync.customers.models import CustomerBinding
from khaos_sync.sync.orders.models import OrderExport
from khaos_sync.sync.orders.reconcile import KhaosOrder, find_in_khaos

log = logging.getLogger(__name__)
State = OrderExport.State
Hold = OrderExport.HoldKind

# An order with no lines at all is still being written (not by Oscar's checkout,
# which writes order and lines together): look again a little later.
UNFINISHED_ORDER_WAIT = timedelta(seconds=30)
# In dry-run mode orders are built and checked but wait for go-live.
DRY_RUN_WAIT = timedelta(seconds=60)
UNFINISHED_ORDER_PATIENCE = timedelta(minutes=10)
# The key of the one alert raised while Khaos cannot be reached.
UNREACHABLE_ALERT = "Khaos unreachable"
# Share of the lease a batch may use before it stops sending and gives the rest back.
LEASE_BUDGET = 0.6


class OrderHeld(Exception):
    """An order a person must look at; the message is the reason shown to them."""


class KhaosUnreachable(Exception):
    """Khaos has not been reachable for longer than the alert threshold."""


@dataclass
class Pending:
    row: OrderExport
    order: Any
    sales_order: SalesOrder
    document: bytes  # this order alone, kept as the payload of any alert


class OrderExporter:
    def __init__(
        self,
        backend: KhaosBackend,
        recorder: RunRecorder,
        *,
        khaos: Mapping[str, Any],
        orders: Mapping[str, Any],
        holder: str,
    ) -> None:
        self.backend = backend
        backend.on_request = recorder.call_made
        self.recorder = recorder
        self.config = orders
        self.settings = OrderSettings.from_config(khaos, orders)
        self.holder = holder
        self.deadline = float("inf")
        self.fresh: list[Pending] = []  # imported by this batch, totals not yet compared
        self.settled: list[str] = []  # imported by this batch: their alerts are resolved at its end

    # the batch -------------------------------------------------------------------

    def export(self, rows: Sequence[OrderExport]) -> None:
        self.deadline = time.monotonic() + self.config["lease_seconds"] * LEASE_BUDGET
        self.fresh, self.settled = [], []
        try:
            self._export(rows)
        finally:
            # One query for the batch, not one per order.
            resolve_failures(Flow.ORDERS, self.settled)

    def _export(self, rows: Sequence[OrderExport]) -> None:
        orders = load_orders(row.order_id for row in rows)
        rows = self._reconcile_first([r for r in rows if r.order_id in orders], orders)
        pending = [p for p in (self._prepare(row, orders[row.order_id]) for row in rows) if p]
        self._send(pending)
        self._compare_totals(self.fresh)

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
                self._wait(row, f"could not ask Khaos about the last send: {exc}", exc)
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
            self._hold(row, OrderHeld("; ".join(built.hold)), "\n".join(built.hold), kind=Hold.DATA)
            return None
        if built.order is None:
            self._not_for_khaos(row)
            return None
        try:
            document = build_orders([built.order])
        except KhaosError as exc:  # a value XML cannot carry, a field Khaos would cut
            self._hold(row, exc, payload="", kind=Hold.DATA)
            return None
        row.sent_total = built.order.header.order_amount
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
            item.row.sent_at = now
        try:
            result = self.backend.send_orders([item.sales_order for item in pending])
        except TransientError as exc:
            if exc.request_sent:
                self._unknown_outcome(pending, exc)
            else:
                self._unreachable(pending, exc)
            return
        except ProtocolError as exc:  # Khaos processed the call but its answer is unreadable
            self._unknown_outcome(pending, exc)
            return
        except SoapFault as exc:
            self._khaos_answered()
            self._fault(pending, exc)
            return
        self._khaos_answered()
        self._record_result(pending, result)

    def _give_back(self, pending: list[Pending]) -> None:
        """The batch used its share of the lease: the rest goes back, due now, uncounted."""
        log.info(
            "order batch out of time, orders given back",
            extra={"orders": [p.row.order_number for p in pending]},
        )
        for item in pending:
            self._save(item.row, state=State.QUEUED, next_attempt_at=timezone.now())

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
        refused: list[tuple[Pending, str]] = []
        missing: list[Pending] = []
        # One commit for the batch's results; the questions to Khaos come after it,
        # so no database transaction is ever open during a call.
        with transaction.atomic():
            for item in pending:
                ref = item.row.order_number
                if ref in imported:
                    entry = imported[ref]
                    found = KhaosOrder(ref, entry.sales_order_code, entry.urn, msg=entry.msg)
                    if self._imported(item.row, item.order, found):
                        self.fresh.append(item)
                elif ref in skipped:
                    refused.append((item, skipped[ref]))
                else:
                    missing.append(item)
        if refused:
            self._skipped(refused)
        if missing:
            self._unknown_outcome(
                missing, ProtocolError("Khaos's answer did not mention the order")
            )

    def _skipped(self, refused: list[tuple[Pending, str]]) -> None:
        """Khaos skipped orders: ask whether it holds them (a duplicate) before holding them."""
        for item, _ in refused:
            item.row.attempts += 1
        try:
            found = self._find([item.row for item, _ in refused])
        except KhaosError as exc:
            for item, reason in refused:
                item.row.needs_reconcile = True
                item.row.khaos_message = reason
                self._retry_later(
                    item.row, f"Khaos skipped the order ({reason}); lookup failed: {exc}", exc
                )
            return
        for item, reason in refused:
            match = found.get(item.row.order_number)
            if match is not None:
                self._imported(item.row, item.order, _with_msg(match, reason), reconciled=True)
                continue
            item.row.khaos_message = reason
            self._hold(
                item.row,
                OrderHeld(f"Khaos refused the order: {reason}"),
                item.document,
                kind=Hold.REFUSED,
            )

    def _fault(self, pending: list[Pending], fault: SoapFault) -> None:
        """A Fault for the call: whatever Khaos took stays; the rest is retried, one by one."""
        try:
            found = self._find([item.row for item in pending])
        except KhaosError as exc:
            self._faulted(pending, fault, lookup_error=exc)
            return
        left = []
        for item in pending:
            match = found.get(item.row.order_number)
            if match is not None:
                self._imported(item.row, item.order, match, reconciled=True)
            else:
                left.append(item)
        if len(left) > 1:
            for index, item in enumerate(left):
                if time.monotonic() > self.deadline:
                    # The batch's worst case must stay shorter than its lease.
                    self._give_back(left[index:])
                    return
                self._send([item])
            return
        self._faulted(left, fault)

    def _faulted(
        self, pending: list[Pending], fault: SoapFault, lookup_error: KhaosError | None = None
    ) -> None:
        for item in pending:
            item.row.attempts += 1
            item.row.khaos_message = fault.fault_string
            item.row.needs_reconcile = lookup_error is not None
            reason = f"Khaos answered with a fault: {fault.fault_string}"
            if lookup_error is not None:
                reason += f"; lookup failed: {lookup_error}"
            self._retry_later(item.row, reason, fault, item.document)

    def _unreachable(self, pending: list[Pending], exc: TransientError) -> None:
        """Nothing reached Khaos: wait, however long it takes; it never counts as an attempt."""
        for item in pending:
            self._wait(item.row, f"Khaos could not be reached: {exc}", exc, item.document)

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
                self._wait(
                    item.row,
                    f"send outcome unknown ({exc}); lookup failed: {lookup_error}",
                    lookup_error,
                    item.document,
                )
            return
        for item in pending:
            if item.row.order_number in found:
                self._imported(item.row, item.order, found[item.row.order_number], reconciled=True)
            else:
                item.row.needs_reconcile = False
                self._wait(item.row, f"not imported: {exc}", exc, item.document)

    def _find(self, rows: Sequence[OrderExport]) -> dict[str, KhaosOrder]:
        found = find_in_khaos(self.backend, [row.order_number for row in rows])
        self._khaos_answered()
        return found

    def _compare_totals(self, imported: list[Pending]) -> None:
        """Khaos's own totals of the orders just imported, against what was sent."""
        if not imported:
            return
        try:
            found = self._find([item.row for item in imported])
        except KhaosError as exc:
            log.warning("could not read back Khaos's order totals", extra={"error": str(exc)})
            return
        read: list[OrderExport] = []
        for item in imported:
            match = found.get(item.row.order_number)
            if match is None or match.total is None:
                continue
            item.row.khaos_total = match.total
            read.append(item.row)
            _warn_if_totals_differ(item.row.order_number, item.row.sent_total, match.total)
        OrderExport.objects.bulk_update(read, ["khaos_total"])

    # Khaos answering again ------------------------------------------------------

    def _khaos_answered(self) -> None:
        """Khaos answered: orders waiting for it (or held by an outage) go now."""
        now = timezone.now()
        waiting = OrderExport.objects.filter(
            state=State.QUEUED, unreachable_since__isnull=False
        ).update(unreachable_since=None, next_attempt_at=now, updated_at=now)
        released = OrderExport.objects.filter(state=State.HELD, hold_kind=Hold.UNREACHABLE).update(
            state=State.QUEUED, hold_kind="", attempts=0, next_attempt_at=now, updated_at=now
        )
        resolved = resolve_failures(Flow.ORDERS, [UNREACHABLE_ALERT])
        if waiting or released or resolved:
            log.info(
                "Khaos answers again: waiting orders released",
                extra={"waiting": waiting, "released_from_hold": released},
            )

    # outcomes --------------------------------------------------------------------

    def _imported(
        self, row: OrderExport, order: Any, found: KhaosOrder, *, reconciled: bool = False
    ) -> bool:
        changes: dict[str, Any] = {
            "state": State.IMPORTED,
            "khaos_order_code": found.order_code,
            "urn": found.urn,
            "imported_at": timezone.now(),
            "needs_reconcile": False,
            "last_error": "",
            "hold_kind": "",
            "unreachable_since": None,
            "khaos_message": found.msg or row.khaos_message,
        }
        if found.total is not None:
            changes["khaos_total"] = found.total
        if not self._save(row, **changes):
            return False
        if found.total is not None:
            _warn_if_totals_differ(row.order_number, row.sent_total, found.total)
        bind_customer(order, found.urn)
        self.settled.append(row.order_number)
        self.recorder.count("created")
        self._tally("reconciled" if reconciled else "imported")
        log.info(
            "order imported into Khaos",
            extra={
                "order_number": row.order_number,
                "khaos_order": found.order_code,
                "urn": found.urn,
                "khaos_msg": found.msg,
            },
        )
        return True

    def _not_for_khaos(self, row: OrderExport) -> None:
        if self._save(row, state=State.NOT_FOR_KHAOS, last_error=""):
            self.recorder.count("unchanged")
            self._tally("not_for_khaos")

    def _hold(
        self, row: OrderExport, exc: BaseException, payload: bytes | str, *, kind: str
    ) -> None:
        """A person must act: alert now, never retry by itself."""
        if not self._save(
            row, state=State.HELD, last_error=str(exc), lease_until=None, hold_kind=kind
        ):
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
        """After an answer from Khaos that did not settle the order: bounded retries."""
        if row.attempts >= self.config["max_attempts"]:
            held = OrderHeld(f"gave up after {row.attempts} answers from Khaos: {reason}")
            self._hold(row, held, payload, kind=Hold.FAULTS)
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

    def _wait(
        self, row: OrderExport, reason: str, exc: BaseException, payload: bytes | str = b""
    ) -> None:
        """Khaos did not answer: wait with a capped back-off, for as long as it takes."""
        now = timezone.now()
        since = row.unreachable_since or now
        outage = (now - since).total_seconds()
        base = self.config["backoff_seconds"]
        # Grows with the outage (about doubling per try), capped; 0 retries at once.
        wait = min(max(base, outage), self.config["unreachable_max_seconds"]) if base else 0
        delay = timedelta(seconds=wait)
        if not self._save(
            row,
            state=State.QUEUED,
            last_error=reason,
            unreachable_since=since,
            next_attempt_at=now + delay,
        ):
            return
        self.recorder.count("updated")
        self._tally("waiting_for_khaos")
        if outage >= self.config["unreachable_alert_minutes"] * 60:
            alarm = KhaosUnreachable(
                f"Khaos has not answered for {int(outage // 60)} minutes; orders wait "
                f"and are sent when it answers again. Last error: {exc}"
            )
            log.error("Khaos unreachable", extra={"minutes": int(outage // 60), "error": str(exc)})
            record_failure(Flow.ORDERS, UNREACHABLE_ALERT, "", alarm, run=self.recorder.run)

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
            "khaos_message": row.khaos_message,
            "sent_total": row.sent_total,
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
        self.recorder.add(outcome)


def _with_msg(found: KhaosOrder, msg: str) -> KhaosOrder:
    return KhaosOrder(
        found.associated_ref,
        found.order_code,
        found.urn,
        msg=msg,
        items_total=found.items_total,
        delivery_total=found.delivery_total,
    )


def _warn_if_totals_differ(number: str, sent: Any, khaos: Any) -> None:
    if sent is not None and khaos is not None and sent != khaos:
        log.warning(
            "Khaos's order total differs from the shop's",
            extra={"order_number": number, "shop_total": str(sent), "khaos_total": str(khaos)},
        )


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
