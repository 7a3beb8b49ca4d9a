"""KSDXMLCatRequest: catalogue requests (the customer detail format of orders)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from khaos_sync.protocol.documents.orders import Customer, read_customer
from khaos_sync.protocol.values import Fields, expect_root
from khaos_sync.protocol.xmlsafe import parse_document

ROOT_TAG = "CATREQUESTS"


@dataclass(frozen=True, slots=True)
class CatalogueRequest:
    customer: Customer
    request_date: date | None
    catalogue: str | None


def parse_catalogue_requests(data: bytes | str) -> list[CatalogueRequest]:
    root = parse_document(data)
    expect_root(root, ROOT_TAG)
    requests = []
    for element in root.iterchildren("REQUEST"):
        fields = Fields(element)
        customer = fields.nested("CUSTOMER_DETAIL")
        if customer is None:
            continue  # a request without a customer cannot be acted on
        requests.append(
            CatalogueRequest(
                customer=read_customer(customer),
                request_date=fields.as_date("REQUEST_DATE"),
                catalogue=fields.code("CATALOGUE"),
            )
        )
    return requests
