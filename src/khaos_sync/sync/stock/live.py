"""The just-in-time level check at checkout (mapping.md §2).

One question to Khaos (levels at every site) for every Khaos item of the basket —
pack components included, so a pack is rebuilt from live levels too. The call
runs against a hard deadline (``stock.jit_budget_seconds``, 2 s by default):
if Khaos is slow or down the checkout goes on with the levels the shop already
holds, and the event is logged; the order export surfaces any shortfall. A
live answer is reused for ``stock.jit_cache_seconds``, and so is a failure, so
a customer going from payment to preview to "place order" waits at most once
and a back office in trouble is not asked again by every basket.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from khaos_sync.mappers.products import PARENT
from khaos_sync.mappers.stock import group_by_item, map_item_stock
from khaos_sync.protocol.documents.stock_status import StockStatus
from khaos_sync.store import stock as store
from khaos_sync.store.sites import web_sites
from khaos_sync.sync.catalogue.models import BundleComponent, ProductBinding
from khaos_sync.sync.core.backend import khaos_backend, transport

log = logging.getLogger(__name__)

FRESH_KEY = "khaos-stock-live:{}"
DOWN_KEY = "khaos-stock-live:unreachable"
# A basket's levels at every site fit in far less; a larger answer is refused
# before it can cost the web process memory.
LIVE_ANSWER_BYTES = 4 * 1024 * 1024

# One shared worker: the call must be abandonable at the deadline, which a
# plain blocking call in the request thread is not.
_executor = ThreadPoolExecutor(max_workers=4, thread_name_prefix="khaos-live")


@dataclass(frozen=True)
class LiveResult:
    outcome: str  # "live", "cached", "stale" (Khaos too slow or down) or "none"
    codes: tuple[str, ...] = ()
    seconds: float = 0.0


def refresh_basket_levels(basket: Any) -> LiveResult:
    """Bring the basket's Khaos items up to Khaos's live levels, within the budget."""
    codes = basket_codes(basket)
    if not codes or transport() == "cloud":
        # On the cloud transport Khaos pushes its levels: there is nothing to ask.
        return LiveResult("none")
    config = settings.KHAOS_SYNC["stock"]
    if all(cache.get(FRESH_KEY.format(code)) for code in codes):
        return LiveResult("cached", tuple(codes))
    if cache.get(DOWN_KEY):
        return LiveResult("stale", tuple(codes))
    started = time.monotonic()
    try:
        entries = fetch_within(codes, float(config["jit_budget_seconds"]))
        apply_live_levels(entries)
    except Exception as exc:  # whatever went wrong, the sale goes on with what we know
        seconds = time.monotonic() - started
        cache.set(DOWN_KEY, True, config["jit_cache_seconds"])
        log.warning(
            "live stock check fell back to the last known levels",
            extra={"codes": codes, "error": f"{type(exc).__name__}: {exc}", "seconds": seconds},
        )
        return LiveResult("stale", tuple(codes), seconds)
    finally:
        forget_loaded_levels(basket)
    for code in codes:
        cache.set(FRESH_KEY.format(code), True, config["jit_cache_seconds"])
    return LiveResult("live", tuple(codes), time.monotonic() - started)


def basket_codes(basket: Any) -> list[str]:
    """Khaos codes of the basket's items and of the components of its packs."""
    product_ids = [line.product_id for line in basket.all_lines()]
    bindings = ProductBinding.objects.filter(product_id__in=product_ids).exclude(structure=PARENT)
    codes = dict.fromkeys(bindings.values_list("stock_code", flat=True))
    components = BundleComponent.objects.filter(bundle__in=bindings).values_list(
        "component_code", flat=True
    )
    codes.update(dict.fromkeys(components))
    return sorted(codes)


def fetch_within(codes: Sequence[str], budget: float) -> list[StockStatus]:
    """Khaos's levels of ``codes`` now; TimeoutError when Khaos misses the deadline."""

    def call() -> list[StockStatus]:
        with khaos_backend(timeout=budget, max_answer_bytes=LIVE_ANSWER_BYTES) as backend:
            return backend.live_levels(codes)

    future = _executor.submit(call)
    try:
        return future.result(timeout=budget)
    except FutureTimeout:
        future.cancel()
        raise TimeoutError(f"Khaos did not answer within {budget:.1f} s") from None


def apply_live_levels(entries: list[StockStatus]) -> None:
    """Write the live levels as the scheduled pull writes its own, through the same path."""
    sites = web_sites()  # Khaos's site list as the last pull kept it: no call at checkout
    items = [
        map_item_stock(group, sites.sites, sites.chosen, sites.default)
        for group in group_by_item(entries).values()
    ]
    partner_ids = store.site_partner_ids(sites.chosen)
    now = timezone.now()
    with transaction.atomic():
        written = store.apply_levels(items, partner_ids, now)
    store.refresh_stock_alerts(written.record_ids, now)


def forget_loaded_levels(basket: Any) -> None:
    """The lines' products must be re-read by the strategy after a live update."""
    for line in basket.all_lines():
        line.product._state.fields_cache.pop("khaos", None)
