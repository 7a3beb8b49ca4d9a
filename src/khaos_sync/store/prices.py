"""Writes of Khaos price lists: each list replaced whole, in one transaction.

A list whose fingerprint has not changed since the last write is left alone,
so a repeated fetch or a repeated Khaos Control Cloud push writes nothing.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime

from django.db import transaction

from khaos_sync.mappers.prices import EntrySpec
from khaos_sync.sync.prices.models import PriceList, PriceListAssignment, PriceListEntry


@dataclass(frozen=True)
class PriceListSpec:
    name: str
    source: str
    is_net: bool
    assignments: tuple[tuple[str, str], ...]  # (kind, value)
    entries: tuple[EntrySpec, ...]
    external_id: str = ""

    @property
    def digest(self) -> str:
        text = json.dumps(asdict(self), sort_keys=True, default=str)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


def save_price_list(spec: PriceListSpec, now: datetime) -> bool:
    """Store the list as given; False when it was already stored exactly so."""
    digest = spec.digest
    with transaction.atomic():
        current = PriceList.objects.select_for_update().filter(name=spec.name).first()
        if current is not None and current.synced_hash == digest:
            return False
        price_list = current or PriceList(name=spec.name)
        price_list.source = spec.source
        price_list.external_id = spec.external_id
        price_list.is_net = spec.is_net
        price_list.synced_hash = digest
        price_list.synced_at = now
        price_list.save()
        price_list.assignments.all().delete()
        price_list.entries.all().delete()
        PriceListAssignment.objects.bulk_create(
            PriceListAssignment(price_list=price_list, kind=kind, value=value)
            for kind, value in sorted(set(spec.assignments))
        )
        PriceListEntry.objects.bulk_create(
            (
                PriceListEntry(
                    price_list=price_list,
                    stock_code=entry.stock_code,
                    qty_start=entry.qty_start,
                    qty_end=entry.qty_end,
                    amount=entry.amount,
                    discount_percent=entry.discount_percent,
                )
                for entry in spec.entries
            ),
            batch_size=1000,
        )
    return True


def remove_price_lists_except(names: Sequence[str], source: str) -> int:
    """Lists of this source Khaos no longer has; returns how many went."""
    gone = PriceList.objects.filter(source=source).exclude(name__in=names)
    count = gone.count()
    gone.delete()
    return count
