"""Orders as ImportOrders receives them (KSDXMLImportFormat).

The document is read with the protocol's order parser (safe parsing included);
the simulator then keeps each value as the text Khaos would see, keyed by
element name, because its rules work on wire values: field lengths, blank
versus missing, codes as sent.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date, datetime

from khaos_sync.protocol.documents.orders import SalesOrder, parse_orders


class OrderRefused(Exception):
    """Khaos would skip this order; the message is the skip reason."""


@dataclass
class IncomingLine:
    fields: dict[str, str]

    def get(self, tag: str) -> str:
        return self.fields.get(tag, "").strip()


@dataclass
class IncomingOrder:
    header: dict[str, str] = field(default_factory=dict)
    customer: dict[str, str] = field(default_factory=dict)
    invoice_address: dict[str, str] = field(default_factory=dict)
    delivery_address: dict[str, str] = field(default_factory=dict)
    payments: list[dict[str, str]] = field(default_factory=list)
    lines: list[IncomingLine] = field(default_factory=list)

    @property
    def associated_ref(self) -> str:
        return self.header.get("ASSOCIATED_REF", "").strip()

    def all_fields(self) -> list[tuple[str, str]]:
        """Every (tag, text) pair, for the field-length rules."""
        pairs = [
            *self.header.items(),
            *self.customer.items(),
            *self.invoice_address.items(),
            *self.delivery_address.items(),
        ]
        for line in self.lines:
            pairs.extend(line.fields.items())
        return pairs


def read_orders(document: str | bytes) -> list[IncomingOrder]:
    """Parse with the protocol's KSDXMLImportFormat reader, keep the values as wire text."""
    return [_incoming(order) for order in parse_orders(document)]


def _incoming(order: SalesOrder) -> IncomingOrder:
    customer = order.customer
    return IncomingOrder(
        header=_texts(order.header),
        customer=_texts(customer, skip={"invoice_address", "delivery_address", "udas"}),
        invoice_address=_texts(customer.invoice_address, prefix="I"),
        delivery_address=_texts(customer.delivery_address, prefix="D"),
        payments=[_texts(payment) for payment in order.payments],
        lines=[IncomingLine(_texts(item)) for item in order.items],
    )


# The record attributes are the element names in lower case, except these.
_TAGS = {"amount": "PAYMENT_AMOUNT"}


def _texts(
    record: object | None, *, prefix: str = "", skip: frozenset[str] | set[str] = frozenset()
) -> dict[str, str]:
    if record is None:
        return {}
    texts: dict[str, str] = {}
    for f in dataclasses.fields(record):  # type: ignore[arg-type]
        if f.name in skip:
            continue
        value = getattr(record, f.name)
        if value is not None:
            texts[prefix + _TAGS.get(f.name, f.name.upper())] = _wire_text(value)
    return texts


def _wire_text(value: object) -> str:
    if isinstance(value, bool):
        return "-1" if value else "0"
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
