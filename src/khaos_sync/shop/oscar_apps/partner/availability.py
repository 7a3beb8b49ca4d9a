"""Can a Khaos item be bought, and what does the customer read (mapping.md §3).

One policy object answers the storefront ("In stock", "Due in …"), the basket
(``is_purchase_permitted`` for the quantity asked) and the checkout (Oscar
re-checks every line with the same call), so the three always agree.

Customers read words, never counts: "In stock", "Low stock" (at or below the
shop's ``[shop] low_stock_threshold``), "Out of stock" or Khaos's own
availability text.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from oscar.apps.partner import availability as oscar_availability
from oscar.apps.partner.availability import *  # noqa: F403  Oscar's documented fork pattern
from oscar.apps.partner.availability import Base

DISCONTINUED = 4
NOT_STOCK_CONTROLLED = 5


@dataclass(frozen=True)
class SellRules:
    """The facts §3 decides on, read from the product's binding and its stock row."""

    level: int
    status: int | None = None
    run_to_zero: bool = False
    stock_controlled: bool = True
    discontinued: bool = False
    sales_multiple: int = 1
    max_display_qty: int | None = None
    availability_text: str = ""
    due_date: date | None = None
    backorders: bool = True
    low_stock_threshold: int = 0


class KhaosAvailability(Base):
    """Availability of one Khaos item under its sell rules."""

    CODE_IN_STOCK = "instock"
    CODE_BACKORDER = "backorder"
    CODE_OUT_OF_STOCK = "outofstock"
    CODE_UNAVAILABLE = "unavailable"

    def __init__(self, rules: SellRules) -> None:
        self.rules = rules
        self.num_available = max(rules.level, 0)
        self.dispatch_date = rules.due_date if rules.level <= 0 else None

    # --- what may be bought ---

    @property
    def never(self) -> bool:
        return self.rules.status == DISCONTINUED or self.rules.discontinued

    @property
    def untracked(self) -> bool:
        return self.rules.status == NOT_STOCK_CONTROLLED or not self.rules.stock_controlled

    @property
    def limited_to_level(self) -> bool:
        """No sale beyond the level: run-to-zero, or a shop that refuses back orders."""
        return not self.untracked and (self.rules.run_to_zero or not self.rules.backorders)

    def is_purchase_permitted(self, quantity: int) -> tuple[bool, str]:
        if self.never:
            return False, _("this item has been discontinued")
        multiple = max(self.rules.sales_multiple, 1)
        if quantity % multiple:
            return False, _("this item is sold in multiples of %(n)d") % {"n": multiple}
        if not self.limited_to_level:
            return True, ""
        if self.num_available <= 0:
            return False, _("no stock available")
        if quantity > self.num_available:
            return False, _("only %(n)d in stock") % {"n": self.shown_quantity(self.num_available)}
        return True, ""

    @property
    def is_available_to_buy(self) -> bool:
        return self.is_purchase_permitted(max(self.rules.sales_multiple, 1))[0]

    # --- what the customer reads ---

    def shown_quantity(self, quantity: int) -> int:
        cap = self.rules.max_display_qty
        return min(quantity, cap) if cap else quantity

    @property
    def code(self) -> str:
        if self.never:
            return self.CODE_UNAVAILABLE
        if self.untracked or self.num_available > 0:
            return self.CODE_IN_STOCK
        return self.CODE_BACKORDER if self.is_available_to_buy else self.CODE_OUT_OF_STOCK

    @property
    def low(self) -> bool:
        return not self.untracked and 0 < self.num_available <= self.rules.low_stock_threshold

    @property
    def short_message(self) -> str:
        if self.never:
            return _("Discontinued")
        if self.low:
            return _("Low stock")
        if self.untracked or self.num_available > 0:
            return _("In stock")
        return self.out_of_stock_text()

    @property
    def message(self) -> str:
        return self.short_message

    def out_of_stock_text(self) -> str:
        text = self.rules.availability_text.strip() or (
            _("Available to order") if self.is_available_to_buy else _("Out of stock")
        )
        if self.dispatch_date is not None:
            due = date_format(self.dispatch_date, "j F Y")
            return _("%(text)s — more due in %(date)s") % {"text": text, "date": due}
        return text


class StockRequired(oscar_availability.StockRequired):
    """Oscar's rule for products that do not come from Khaos, in words rather than counts."""

    def __init__(self, num_available: int, low_stock_threshold: int = 0) -> None:
        super().__init__(num_available)
        self.low_stock_threshold = low_stock_threshold

    @property
    def short_message(self) -> str:
        if 0 < self.num_available <= self.low_stock_threshold:
            return _("Low stock")
        if self.num_available > 0:
            return _("In stock")
        return _("Out of stock")

    @property
    def message(self) -> str:
        return self.short_message
