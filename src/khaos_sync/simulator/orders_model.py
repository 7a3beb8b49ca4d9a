"""Sales orders and invoices as the simulated Khaos Control holds them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal


@dataclass
class OrderLine:
    line_no: int
    stock_id: int
    code: str
    description: str
    qty: int
    vat_rate: Decimal
    unit_price: Decimal
    price_is_net: bool
    line_net: Decimal = Decimal("0")
    line_vat: Decimal = Decimal("0")
    line_gross: Decimal = Decimal("0")
    discount: Decimal = Decimal("0")
    extended_desc: str = ""
    import_ref: str = ""
    webitem_ref: str = ""
    pack_sort_order: str = ""
    pack_child: bool = False
    stock_controlled: bool = True
    site_id: int = 1
    qty_sent: int = 0

    @property
    def qty_outstanding(self) -> int:
        return self.qty - self.qty_sent


@dataclass
class Order:
    order_id: int
    code: str
    associated_ref: str
    company_id: int
    company_code: str
    company_name: str
    customer_other_ref: str
    site_id: int
    created: datetime
    changed: datetime
    order_date: str = ""
    currency: str = "GBP"
    sales_source: str = "INTERNET"
    courier_code: str = ""
    courier_name: str = ""
    brand: str = ""
    keycode: str = ""
    po_number: str = ""
    order_note: str = ""
    invoice_note: str = ""
    website_name: str = ""
    delivery_net: Decimal = Decimal("0")
    delivery_gross: Decimal = Decimal("0")
    items_net: Decimal = Decimal("0")
    items_gross: Decimal = Decimal("0")
    computed_total: Decimal = Decimal("0")
    order_amount: str = ""
    payments: list[dict[str, str]] = field(default_factory=list)
    customer_detail: dict[str, str] = field(default_factory=dict)
    lines: list[OrderLine] = field(default_factory=list)
    cancelled_at: datetime | None = None
    cancel_reason: str = ""
    cancel_user: str = ""

    @property
    def qty_sold(self) -> int:
        return sum(line.qty for line in self.lines)

    @property
    def qty_sent(self) -> int:
        return sum(line.qty_sent for line in self.lines)

    @property
    def complete(self) -> bool:
        return all(line.qty_outstanding <= 0 for line in self.lines)


@dataclass
class Invoice:
    invoice_id: int
    order_id: int
    code: str
    stage: int
    created: datetime
    changed: datetime
    # line_no -> quantity on this invoice
    quantities: dict[int, int] = field(default_factory=dict)
    courier: str = ""
    consignment_ref: str = ""
    tracking_url: str = ""
    ship_date: datetime | None = None
    issue_date: datetime | None = None
    moved: bool = True

    @property
    def issued(self) -> bool:
        return self.stage in (70, 71)
