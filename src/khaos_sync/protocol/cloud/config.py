"""The channel configuration (``EndpointConfig``) the shop serves to Khaos Control Cloud."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from khaos_sync.protocol.cloud.payload import DEFAULT_MAX_BYTES, Format, dump, load
from khaos_sync.protocol.errors import DocumentError

ROOT = "EndpointConfig"


class Endpoint(StrEnum):
    ORDER_DOWNLOAD = "OrderDownload"
    ORDER_STATUS_UPLOAD = "OrderStatusUpload"
    STOCK_UPLOAD = "StockUpload"
    STOCK_STATUS_UPLOAD = "StockStatusUpload"
    CRETURN_DOWNLOAD = "CReturnDownload"
    PROVIDED_STOCK = "ProvidedStock"
    PRICE_LIST_UPLOAD = "PriceListUpload"


PULLS = frozenset({Endpoint.ORDER_DOWNLOAD, Endpoint.CRETURN_DOWNLOAD, Endpoint.PROVIDED_STOCK})
REQUIRED = (Endpoint.ORDER_DOWNLOAD, Endpoint.STOCK_UPLOAD, Endpoint.STOCK_STATUS_UPLOAD)


@dataclass(frozen=True, slots=True)
class EndpointEntry:
    name: Endpoint
    url: str
    format: Format
    frequency: int | None = None  # minutes, for pulls


@dataclass(frozen=True, slots=True)
class ChannelConfig:
    entries: tuple[EndpointEntry, ...]

    def get(self, name: Endpoint) -> EndpointEntry | None:
        return next((entry for entry in self.entries if entry.name is name), None)

    def __getitem__(self, name: Endpoint) -> EndpointEntry:
        entry = self.get(name)
        if entry is None:
            raise KeyError(f"the channel configuration has no {name.value}")
        return entry


def read_channel_config(
    data: bytes | str, fmt: Format, *, max_bytes: int = DEFAULT_MAX_BYTES
) -> ChannelConfig:
    """Read an EndpointConfig; entries this version does not know are ignored."""
    top = load(data, fmt, ROOT, max_bytes=max_bytes)
    # The JSON form may wrap the entries in {"EndpointConfig": {...}}.
    wrapped = top.node(ROOT) if fmt is Format.JSON else None
    top = wrapped or top
    entries = []
    for name in Endpoint:
        node = top.node(name.value)
        if node is None:
            continue
        entries.append(
            EndpointEntry(
                name=name,
                url=node.required("URL"),
                format=Format.named(node.required("Format")),
                frequency=node.as_int("Frequency"),
            )
        )
    missing = [name.value for name in REQUIRED if name not in {e.name for e in entries}]
    if missing:
        raise DocumentError(f"EndpointConfig has no {', '.join(missing)} (required)")
    return ChannelConfig(tuple(entries))


def write_channel_config(entries: Sequence[EndpointEntry], fmt: Format) -> bytes:
    tree: dict[str, Any] = {}
    for entry in entries:
        value: dict[str, Any] = {"URL": entry.url, "Format": entry.format.value}
        if entry.name in PULLS and entry.frequency is not None:
            value["Frequency"] = entry.frequency
        tree[entry.name.value] = value
    return dump(tree, fmt, ROOT)
