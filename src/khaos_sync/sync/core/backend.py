"""The configured backend for the shop's Khaos system, and the call record.

:func:`khaos_backend` builds the backend ``[khaos] transport`` names (see
``khaos_sync.backends``); :func:`khaos_client` the raw KhaosWS client, for the
few places that talk SOAP as such (``khaos-sync khaos``, the dashboard ping).
Every call a client makes is reported to :func:`record_call`, which feeds the latency
histogram of this process and the connection status that all processes share.
"""

from __future__ import annotations

import threading
import time

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from khaos_sync.backends.base import KhaosBackend
from khaos_sync.backends.cloud import CloudBackend
from khaos_sync.backends.soap import SoapBackend
from khaos_sync.protocol.client import (
    DEFAULT_CONNECT_TIMEOUT,
    OUTCOME_OK,
    CallHook,
    KhaosClient,
)
from khaos_sync.protocol.soap.envelope import DEFAULT_MAX_ENVELOPE_BYTES
from khaos_sync.sync.core import metrics

# A sync makes hundreds of calls a minute; the dashboard needs "how recent", not
# every call, so the shared row is written at most this often per process
# unless the outcome changes.
STATUS_WRITE_INTERVAL = 5.0

_last_written: dict[str, tuple[float, str]] = {}
_write_lock = threading.Lock()


def record_call(operation: str, seconds: float, outcome: str) -> None:
    metrics.observe_call(operation, seconds, outcome)
    if status_write_due(outcome):
        remember_call(operation, seconds, outcome)


def status_write_due(outcome: str) -> bool:
    now = time.monotonic()
    with _write_lock:
        previous = _last_written.get("status")
        if previous and previous[1] == outcome and now - previous[0] < STATUS_WRITE_INTERVAL:
            return False
        _last_written["status"] = (now, outcome)
        return True


def remember_call(operation: str, seconds: float, outcome: str) -> None:
    """Write the call into the shared connection row (kept across restarts and processes)."""
    from khaos_sync.sync.core.models import KhaosConnection

    now = timezone.now()
    values: dict[str, object] = {
        "last_call_at": now,
        "last_operation": operation,
        "last_outcome": outcome,
        "last_seconds": seconds,
    }
    if outcome == OUTCOME_OK:
        values.update(last_success_at=now, last_success_operation=operation)
    else:
        values.update(
            last_failure_at=now, last_failure_operation=operation, last_failure_outcome=outcome
        )
    # A savepoint: the caller may be inside a flow's transaction, which a failed
    # status write must not abort.
    with transaction.atomic():
        if not KhaosConnection.objects.filter(pk=1).update(**values):
            KhaosConnection.objects.update_or_create(pk=1, defaults=values)


class KhaosNotConfigured(RuntimeError):
    """No Khaos URL is configured: the installation must be finished first."""


def transport() -> str:
    return str(settings.KHAOS_SYNC["khaos"].get("transport", "soap"))


def khaos_backend(
    url: str | None = None,
    *,
    timeout: float | None = None,
    max_answer_bytes: int | None = None,
) -> KhaosBackend:
    """The backend of the configured transport; a ``url`` given means KhaosWS there."""
    if transport() == "cloud" and url is None:
        return CloudBackend()
    return SoapBackend(khaos_client(url, timeout=timeout, max_answer_bytes=max_answer_bytes))


def khaos_client(
    url: str | None = None,
    *,
    on_call: CallHook | None = None,
    timeout: float | None = None,
    max_answer_bytes: int | None = None,
) -> KhaosClient:
    khaos = settings.KHAOS_SYNC["khaos"]
    target = url or khaos["url"]
    if not target:
        raise KhaosNotConfigured(
            "no Khaos URL configured: set [khaos] url in khaos-sync.toml or KHAOS_SYNC_KHAOS_URL"
        )
    return KhaosClient(
        target,
        timeout=khaos["timeout"] if timeout is None else timeout,
        connect_timeout=DEFAULT_CONNECT_TIMEOUT if timeout is None else timeout,
        verify=khaos["ca_bundle"] or True,
        on_call=both(record_call, on_call),
        max_response_bytes=max_answer_bytes or DEFAULT_MAX_ENVELOPE_BYTES,
    )


def both(first: CallHook, second: CallHook | None) -> CallHook:
    if second is None:
        return first

    def call_both(operation: str, seconds: float, outcome: str) -> None:
        first(operation, seconds, outcome)
        second(operation, seconds, outcome)

    return call_both
