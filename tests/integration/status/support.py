"""Shop orders placed with Oscar's factories and imported into the simulator as the shop would."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from oscar.core.loading import get_class, get_model
from oscar.test import factories

from khaos_sync.protocol.client import KhaosClient
from khaos_sync.protocol.documents.orders import (
    Address,
    Customer,
    OrderHeader,
    OrderItem,
    SalesOrder,
    build_orders,
)
from khaos_sync.simulator import RunningSimulator
from khaos_sync.sync.catalogue.flow import sync_catalogue_once
from khaos_sync.sync.catalogue.models import ProductBinding

Selector = get_class("partner.strategy", "Selector")
Basket = get_model("basket", "Basket")


@dataclass
class Shop:
    sim: RunningSimulator
    products: list[Any]

    @classmethod
    def from_catalogue(cls, sim: RunningSimulator) -> Shop:
        sync_catalogue_once(url=sim.url)
        codes = [item.code for item in sellable_items(sim)]
        bindings = ProductBinding.objects.filter(stock_code__in=codes).select_related("product")
        by_code = {binding.stock_code: binding.product for binding in bindings}
        return cls(sim, [by_code[code] for code in codes if code in by_code])

    def place(self, quantities: list[int], *, user: Any = None) -> Any:
        """A shop order of the first len(quantities) products, already sent to Khaos."""
        basket = Basket.objects.create()
        basket.strategy = Selector().strategy()
        for product, quantity in zip(self.products, quantities, strict=False):
            basket.add_product(product, quantity)
        guest = {} if user else {"guest_email": "guest@example.com"}
        order = factories.create_order(basket=basket, user=user, **guest)
        order.refresh_from_db()  # the number is generated as an int, stored as text
        self.send(order)
        return order

    def send(self, order: Any, number: str | None = None) -> None:
        with KhaosClient(self.sim.url, timeout=10) as client:
            result = client.import_orders(orders=order_document(order, number))
        assert result.imported_count == 1, result.skipped

    def codes(self, order: Any) -> list[str]:
        return [line.partner_sku for line in order.lines.order_by("pk")]


def sellable_items(sim: RunningSimulator) -> list[Any]:
    items = sim.store.items_where("kind = ? ORDER BY stock_id", ("standalone",))
    return [
        item
        for item in items
        if item.web and not item.discontinued and not item.run_to_zero and item.stock_controlled
    ]


def order_document(order: Any, number: str | None = None) -> str:
    """ASSOCIATED_REF = the shop's order number, IMPORT_REF = the line id."""
    address = Address(address1="1 High Street", town="York", postcode="YO1 7HH", surname="Example")
    sales_order = SalesOrder(
        customer=Customer(invoice_address=address, other_ref="shop-1", web_user="ann@example.com"),
        header=OrderHeader(associated_ref=number or str(order.number), delivery_grs=Decimal("0")),
        items=tuple(order_item(line) for line in order.lines.order_by("pk")),
    )
    return build_orders([sales_order]).decode("utf-8")


# Khaos's tax codes for the rates the generated catalogue uses (docs/orders.md).
TAX_CODES = {Decimal("20"): 1, Decimal("0"): 2, Decimal("5"): 4}


def order_item(line: Any) -> OrderItem:
    """Standard-rate lines go gross; any other rate net with its tax code, as Khaos requires."""
    rate = line.product.vat_rate
    common = {
        "stock_code": line.partner_sku,
        "order_qty": Decimal(line.quantity),
        "import_ref": str(line.pk),
    }
    if rate is None or Decimal(rate) == Decimal("20"):
        return OrderItem(price_grs=line.unit_price_incl_tax, **common)
    return OrderItem(
        price_net=line.unit_price_excl_tax, tax_rate=TAX_CODES[Decimal(rate)], **common
    )
