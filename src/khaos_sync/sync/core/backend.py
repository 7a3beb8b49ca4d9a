"""The backend client: one configured KhaosClient for the shop's Khaos system."""

from __future__ import annotations

import time

from django.conf import settings

from khaos_sync.protocol.client import CallHook, KhaosClient

_last_success: dict[str, float] = {}


def record_call(operation: str, seconds: float, outcome: str) -> None:
    # Kept in memory for the dashboard's "last successful call"; metrics hook in here.
    if outcome == "ok":
        _last_success["at"] = time.time()
        _last_success["operation"] = operation  # type: ignore[assignment]


def khaos_client(url: str | None = None, *, on_call: CallHook | None = None) -> KhaosClient:
    khaos = settings.KHAOS_SYNC["khaos"]
    target = url or khaos["url"]
    if not target:
        raise RuntimeError(
            "no Khaos URL configured: set [khaos] url in khaos-sync.toml or KHAOS_SYNC_KHAOS_URL"
        )
    return KhaosClient(
        target,
        timeout=khaos["timeout"],
        verify=khaos["ca_bundle"] or True,
        on_call=both(record_call, on_call),
    )


def both(first: CallHook, second: CallHook | None) -> CallHook:
    if second is None:
        return first

    def call_both(operation: str, seconds: float, outcome: str) -> None:
        first(operation, seconds, outcome)
        second(operation, seconds, outcome)

    return call_both
