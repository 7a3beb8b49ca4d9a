"""Review flags: Khaos records the shop kept but could not take as they are."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db import connection

from khaos_sync.store.rows import table, where_in
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
    # One plain UPDATE, as ``QuerySet.update`` gives, with the refs as one parameter.
    in_refs, params = where_in("khaos_ref", refs)
    resolved_at = ReviewFlag._meta.get_field("resolved_at").get_db_prep_save(now, connection)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table(ReviewFlag)} SET resolved_at = %s"
            f" WHERE kind = %s AND resolved_at IS NULL AND {in_refs}",
            [resolved_at, str(kind), *params],
        )
        return int(cursor.rowcount)


def open_flags_of(product_id: int) -> list[ReviewFlag]:
    return list(ReviewFlag.objects.filter(product_id=product_id, resolved_at=None))
