"""The customer return download: ``CustomerReturnImport`` / ``{"Returns": [...], "ApiVersion": 1000}``.

The shop has no returns to hand over yet, so it answers an empty, correctly
formed list; the reader exists for the simulator and for tests.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from khaos_sync.protocol.cloud.payload import (
    API_VERSION,
    DEFAULT_MAX_BYTES,
    Format,
    Node,
    Seq,
    dump,
    load,
)
from khaos_sync.protocol.errors import DocumentError

ROOT = "CustomerReturnImport"


@dataclass(frozen=True, slots=True)
class ReturnItem:
    sku: str
    quantity: Decimal | None
    reason_id: str | None
    source_order_code: str | None


@dataclass(frozen=True, slots=True)
class CustomerReturn:
    associated_ref: str
    created: datetime | None
    urn: str | None
    returned: tuple[ReturnItem, ...]
    exchanged: tuple[ReturnItem, ...]


def write_return_download(fmt: Format) -> bytes:
    """An empty return list: what the shop answers until it holds returns."""
    return dump({"Returns": Seq("CustomerReturn", []), "ApiVersion": API_VERSION}, fmt, ROOT)


def read_return_download(
    data: bytes | str, fmt: Format, *, max_bytes: int = DEFAULT_MAX_BYTES
) -> list[CustomerReturn]:
    top = load(data, fmt, ROOT, max_bytes=max_bytes)
    version = top.as_int("ApiVersion")
    if version != API_VERSION:
        raise DocumentError(f"ApiVersion is {version}, KCC requires {API_VERSION}")
    return [_read_return(node) for node in top.nodes("Returns")]


def _read_return(node: Node) -> CustomerReturn:
    return CustomerReturn(
        associated_ref=node.required("AssociatedRef"),
        created=node.as_datetime("CreatedDate"),
        urn=node.text("URN"),
        returned=tuple(_read_item(item) for item in node.nodes("ReturnedItems")),
        exchanged=tuple(_read_item(item) for item in node.nodes("ExchangeItems")),
    )


def _read_item(node: Node) -> ReturnItem:
    reason = node.data_item("ReturnReason")
    source = node.node("SourceReturnReference")
    order = None if source is None else source.node("SourceOrder")
    return ReturnItem(
        sku=node.required("SKU"),
        quantity=node.as_decimal("Quantity"),
        reason_id=None if reason is None else reason.id,
        source_order_code=None if order is None else order.text("SOrderCode"),
    )
