"""Asking Khaos whether it already has orders, by their associated (web) ref.

Used before any resend whose earlier outcome is unknown (a timeout, a dropped
connection, an answer we could not read, a sender that died mid-batch) and to
fetch the order code when Khaos refuses an order as a duplicate.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from khaos_sync.backends.base import KhaosBackend


@dataclass(frozen=True)
class KhaosOrder:
    associated_ref: str
    order_code: str
    urn: str
    msg: str = ""  # Khaos's words on the import, when it gave any
    items_total: Decimal | None = None  # gross, as Khaos computed it
    delivery_total: Decimal | None = None

    @property
    def total(self) -> Decimal | None:
        if self.items_total is None:
            return None
        return self.items_total + (self.delivery_total or Decimal("0"))


def find_in_khaos(backend: KhaosBackend, refs: Sequence[str]) -> dict[str, KhaosOrder]:
    """The orders Khaos holds among ``refs`` (cancelled ones included: they exist)."""
    wanted = set(refs)
    found: dict[str, KhaosOrder] = {}
    for status in backend.find_orders(refs):
        ref = status.associated_ref
        if ref is not None and ref in wanted:
            found[ref] = KhaosOrder(
                associated_ref=ref,
                order_code=status.order_code or "",
                urn=status.company_code or "",
                items_total=status.items_total,
                delivery_total=status.delivery_total,
            )
    return found
