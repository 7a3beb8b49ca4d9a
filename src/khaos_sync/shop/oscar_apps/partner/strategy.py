"""Pricing and availability for a Khaos-fed shop.

* Prices are VAT-inclusive (gross) on the stock record — the figure Khaos
  charges — and the tax is split out with the product's own VAT rate (Khaos
  sends 20, 5, 0 …), so the customer pays exactly what Khaos will invoice.
* A product may have one stock record per Khaos stock site. Oscar's default
  strategy looks at the first record only; here the sellable quantity is the
  sum over all records, and the record with the most stock is the one a basket
  line allocates from.
* A product bound to a Khaos item follows Khaos's sell rules (mapping §3, in
  ``availability.KhaosAvailability``): STATUS 4 never, 5 always, run-to-zero up
  to the level, otherwise the shop's back-order policy. Products that do not
  come from Khaos keep Oscar's "while in stock" rule.
* Khaos price lists (``sync/prices``) replace the stock record's price where
  they apply: the customer's own list, their company class's, the web price
  list; a basket line is priced at its quantity, so quantity breaks apply per
  line. The rule is in ``mappers/prices.py`` and docs/price-lists.md.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from oscar.apps.partner import strategy as oscar_strategy
from oscar.core.loading import get_class

from khaos_sync.mappers.prices import Candidate
from khaos_sync.money import split_gross
from khaos_sync.sync.prices import resolve as price_lists

FixedPrice = get_class("partner.prices", "FixedPrice")
UnavailablePrice = get_class("partner.prices", "Unavailable")
Available = get_class("partner.availability", "Available")
Unavailable = get_class("partner.availability", "Unavailable")
StockRequiredAvailability = get_class("partner.availability", "StockRequired")
KhaosAvailability = get_class("partner.availability", "KhaosAvailability")
SellRules = get_class("partner.availability", "SellRules")
PurchaseInfo = oscar_strategy.PurchaseInfo


def vat_rate_of(product) -> Decimal:  # type: ignore[no-untyped-def]
    """The product's VAT rate; a variant without one uses its parent's."""
    if product.vat_rate is not None:
        return Decimal(product.vat_rate)
    if product.parent_id and product.parent.vat_rate is not None:
        return Decimal(product.parent.vat_rate)
    return Decimal(settings.KHAOS_SYNC_DEFAULT_VAT_RATE)


def combined_level(stockrecords) -> int:  # type: ignore[no-untyped-def]
    return sum(record.net_stock_level for record in stockrecords)


def khaos_binding(product):  # type: ignore[no-untyped-def]
    """The product's Khaos binding, or None for a product that does not come from Khaos.

    Uses what the caller loaded (``select_related("khaos__stock")``), otherwise
    one query that Django remembers on the product.
    """
    try:
        return product.khaos
    except ObjectDoesNotExist:
        return None


def backorders_allowed() -> bool:
    return bool(settings.KHAOS_SYNC["stock"]["backorders"] == "allow")


def is_listed(product) -> bool:  # type: ignore[no-untyped-def]
    """Shown in the shop (mapping §3): published and not deleted in Khaos."""
    if product.khaos_deleted:
        return False
    if product.parent_id:
        return bool(product.parent.is_public)
    return bool(product.is_public)


def low_stock_threshold() -> int:
    return int(settings.KHAOS_SYNC["shop"]["low_stock_threshold"])


def gave_up_code(binding) -> bool:  # type: ignore[no-untyped-def]
    """The item's Khaos code now belongs to another item (asked only of products without UPC)."""
    from khaos_sync.sync.catalogue.models import ReviewFlag

    return ReviewFlag.objects.filter(
        kind=ReviewFlag.Kind.CODE, khaos_ref=binding.stock_id, resolved_at=None
    ).exists()


def sell_rules(binding, level: int):  # type: ignore[no-untyped-def]
    try:
        stock = binding.stock
    except ObjectDoesNotExist:
        stock = None  # levels not pulled yet
    return SellRules(
        level=level,
        status=None if stock is None else stock.status,
        run_to_zero=binding.run_to_zero or bool(stock and stock.components_run_to_zero),
        stock_controlled=binding.stock_controlled or bool(stock and stock.is_bundle),
        discontinued=binding.discontinued,
        sales_multiple=binding.sales_multiple or 1,
        max_display_qty=binding.max_display_qty,
        availability_text=binding.availability_text,
        due_date=None if stock is None else stock.due_date,
        backorders=backorders_allowed(),
        low_stock_threshold=low_stock_threshold(),
    )


class KhaosStrategy(oscar_strategy.Structured):
    def __init__(self, request=None, user=None):  # type: ignore[no-untyped-def]
        super().__init__(request)
        if self.user is None and user is not None and user.is_authenticated:
            self.user = user
        self._customer: price_lists.Customer | None = None
        self._assigned: dict[int, str] | None = None
        self._list_prices: dict[str, list[Candidate]] = {}

    def customer(self) -> price_lists.Customer:
        if self._customer is None:
            self._customer = price_lists.customer_of(self.user)
        return self._customer

    def list_prices(self, product):  # type: ignore[no-untyped-def]
        """The price list entries for this product that apply to this customer (cached)."""
        binding = khaos_binding(product)
        if binding is None or not binding.stock_code:
            return []
        if self._assigned is None:
            self._assigned = price_lists.assigned_lists(self.customer())
        if not self._assigned:
            return []
        code = binding.stock_code
        if code not in self._list_prices:
            customer = self.customer()
            self._list_prices[code] = price_lists.candidates(code, customer, self._assigned)
        return self._list_prices[code]

    def list_price(self, product, stockrecord, quantity=1):  # type: ignore[no-untyped-def]
        """The price list price for ``quantity`` and where it comes from; None: no list applies."""
        found = self.list_prices(product)
        if not found or stockrecord is None or stockrecord.price is None:
            return None
        rate = vat_rate_of(product)
        return price_lists.resolve(found, quantity, rate, Decimal(stockrecord.price))

    def fetch_for_line(self, line, stockrecord=None):  # type: ignore[no-untyped-def]
        info = self.fetch_for_product(line.product)
        if line.quantity and line.quantity > 1 and self.list_prices(line.product):
            # Quantity breaks: the whole line is priced at its quantity.
            price = self.pricing_policy(line.product, info.stockrecord, line.quantity)
            return PurchaseInfo(
                price=price, availability=info.availability, stockrecord=info.stockrecord
            )
        return info

    def stockrecords_of(self, product):  # type: ignore[no-untyped-def]
        # .all() uses prefetched rows when the caller prefetched them.
        return list(product.stockrecords.all())

    def select_stockrecord(self, product):  # type: ignore[no-untyped-def]
        records = [r for r in self.stockrecords_of(product) if r.price is not None]
        if not records:
            return None
        return max(records, key=lambda record: record.net_stock_level)

    def fetch_for_product(self, product, stockrecord=None):  # type: ignore[no-untyped-def]
        records = self.stockrecords_of(product)
        if stockrecord is None:
            stockrecord = self.select_stockrecord(product)
        return PurchaseInfo(
            price=self.pricing_policy(product, stockrecord),
            availability=self.combined_availability(product, stockrecord, records),
            stockrecord=stockrecord,
        )

    def combined_availability(self, product, stockrecord, records):  # type: ignore[no-untyped-def]
        if stockrecord is None:
            return Unavailable()
        binding = khaos_binding(product)
        if binding is not None:
            if not is_listed(product) or (not product.upc and gave_up_code(binding)):
                return Unavailable()  # hidden, or its Khaos code belongs to another item
            return KhaosAvailability(sell_rules(binding, combined_level(records)))
        if not product.get_product_class().track_stock:
            return Available()
        return StockRequiredAvailability(combined_level(records), low_stock_threshold())

    def availability_policy(self, product, stockrecord):  # type: ignore[no-untyped-def]
        return self.combined_availability(product, stockrecord, self.stockrecords_of(product))

    def parent_availability_policy(self, product, children_stock):  # type: ignore[no-untyped-def]
        for child, stockrecord in children_stock:
            if self.availability_policy(child, stockrecord).is_available_to_buy:
                return Available()
        return Unavailable()

    def pricing_policy(self, product, stockrecord, quantity=1):  # type: ignore[no-untyped-def]
        if stockrecord is None or stockrecord.price is None:
            return UnavailablePrice()
        rate = vat_rate_of(product)
        resolved = self.list_price(product, stockrecord, quantity)
        gross = Decimal(stockrecord.price) if resolved is None else resolved.unit_gross
        net, tax = split_gross(gross, rate)
        return FixedPrice(currency=stockrecord.price_currency, excl_tax=net, tax=tax)

    def parent_pricing_policy(self, product, children_stock):  # type: ignore[no-untyped-def]
        priced = [(c, r) for c, r in children_stock if r is not None and r.price is not None]
        if not priced:
            return UnavailablePrice()
        # "From" price: the cheapest variant, marked when the others cost more.
        child, record = min(priced, key=lambda pair: pair[1].price)
        price = self.pricing_policy(child, record)
        price.varies = len({r.price for _c, r in priced}) > 1
        return price


class Selector:
    def strategy(self, request=None, user=None, **kwargs):  # type: ignore[no-untyped-def]
        return KhaosStrategy(request, user)
