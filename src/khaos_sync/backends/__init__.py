"""How khaos-sync reaches Khaos: one interface, one backend per transport.

- ``base`` — :class:`KhaosBackend`, the domain questions the flows ask, and
  the records that come back;
- ``soap`` — :class:`SoapBackend`, KhaosWS SOAP calls (on-premise Khaos);
- ``cloud`` — :class:`CloudBackend`, Khaos Control Cloud, which calls the shop
  instead (its endpoints are in ``khaos_sync.cloud``).

``[khaos] transport`` chooses; ``khaos_sync.sync.core.backend.khaos_backend()``
builds the configured one.
"""

from __future__ import annotations

from khaos_sync.backends.base import (
    Change,
    CustomerChunk,
    FetchFailure,
    KhaosBackend,
    StatusAnswer,
    TransportNotAvailable,
)

# Flows that ask Khaos over KhaosWS, and flows of the cloud channel: the
# worker's default flow set follows the transport.
SOAP_FLOWS = frozenset({"catalogue", "stock", "orders", "status", "customers", "prices"})
CLOUD_FLOWS = frozenset({"cloud"})


def runs_on(transport: str, flow: str) -> bool:
    """Whether ``flow`` has work to do on ``transport`` (flows of neither run on both)."""
    if transport == "cloud":
        return flow not in SOAP_FLOWS
    return flow not in CLOUD_FLOWS


__all__ = [
    "CLOUD_FLOWS",
    "SOAP_FLOWS",
    "Change",
    "CustomerChunk",
    "FetchFailure",
    "KhaosBackend",
    "StatusAnswer",
    "TransportNotAvailable",
    "runs_on",
]
