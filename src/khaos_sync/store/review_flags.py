"""Review flags: Khaos records the shop kept but could not take as they are."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from khaos_sync.sync.catalogue.models import ReviewFlag


def open_flag(
    kind: str, khaos_ref: str, product_id: int | None, reason: str, now: datetime
) -> None:
    """Open (or re-word) the one open flag of this kind for this Khaos record."""
    updated = ReviewFlag.objects.filter(kind=kind, khaos_ref=khaos_ref, resolved_at=None).update(
        reason=reason, product_id=product_id
    )
    if not updated:
        ReviewFlag.objects.create(
            kind=kind, khaos_ref=khaos_ref, product_id=product_id, reason=reason, opened_at=now
        )


def close_flags(kind: str, khaos_refs: Iterable[str], now: datetime) -> int:
    refs = list(khaos_refs)
    if not refs:
        return 0
    return ReviewFlag.objects.filter(kind=kind, khaos_ref__in=refs, resolved_at=None).update(
        resolved_at=now
    )


def open_flags_of(product_id: int) -> list[ReviewFlag]:
    return list(ReviewFlag.objects.filter(product_id=product_id, resolved_at=None))
