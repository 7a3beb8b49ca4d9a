"""Shop order → Khaos SalesOrder (mapping.md §5): pure, no Django, no database.

The input is a plain description of a placed order (``ShopOrder``); the output
is either a protocol ``SalesOrder`` ready for ImportOrders, or the reasons why
a person must look at the order first (``hold``), or "nothing for Khaos".

Money follows Khaos's own arithmetic (``order_money``). Each line's share of
what the customer paid is fixed first, in pennies: order-level discounts (and
any penny the shop's rounding left over) are spread over the lines in
proportion to their value. Each line is then priced so that Khaos, computing
with the configured method (``[orders] calculation``: gross or net, as the
customer's company class in Khaos calculates), arrives at exactly that share:

- gross method: standard-rate lines go as ``PRICE_GRS``; lines at any other
  rate as ``PRICE_NET`` + ``TAX_RATE`` (a Khaos tax code, never a percentage);
- net method: every line goes as ``PRICE_NET`` + ``TAX_RATE``.

A unit price may carry up to four decimals, the precision of Khaos's price
fields, so one row per line is enough; a line that still cannot be expressed
is sent as two rows of the same item (e.g. 2 × 3.34 and 1 × 3.33). The builder
then recomputes the order as Khaos will and holds it, with the reason, if the
totals would differ: Khaos would refuse it anyway.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import datetime
from decimal import Decimal
from typing import Any, Final

import pycountry

from khaos_sync.mappers.order_money import (
    GROSS,
    NET,
    gross_method_vat,
    khaos_line,
    net_for_gross,
)
from khaos_sync.mappers.payments import PaymentProblem, khaos_payment
from khaos_sync.protocol.documents.orders import (
    FIELD_LIMITS,
    LINE_LIMITS,
    Address,
    Customer,
    MappingType,
    OrderHeader,
    OrderItem,
    Payment,
    SalesOrder,
    khaos_length,
    truncate_description,
    wrap_lines,
)

PENNY: Final = Decimal("0.01")
NO_DELIVERY: Final = Decimal("-1")
STANDARD_RATE: Final = Decimal("20")
STANDARD_TAX_CODE: Final = 1
# Shop VAT rate (%) → Khaos tax code: 1 standard, 2 zero, 4 reduced.
DEFAULT_TAX_CODES: Final[Mapping[Decimal, int]] = {
    Decimal("20"): 1,
    Decimal("0"): 2,
    Decimal("5"): 4,
}
# Digits a unit price may carry: Khaos keeps prices to four decimal places.
PRICE_PLACES: Final = (2, 3, 4)


# --- input -----------------------------------------------------------------------


@dataclass(frozen=True)
class ShopAddress:
    title: str = ""
    first_name: str = ""
    last_name: str = ""
    line1: str = ""
    line2: str = ""
    line3: str = ""
    line4: str = ""  # Oscar's "city"
    state: str = ""
    postcode: str = ""
    country_code: str = ""
    phone: str = ""
    organisation: str = ""


@dataclass(frozen=True)
class ShopLine:
    line_id: str
    title: str
    quantity: int
    price_before_discounts: Decimal  # gross, whole line
    discount: Decimal = Decimal("0")  # gross, whole line
    khaos_code: str | None = None  # None: the product does not exist in Khaos
    not_in_khaos: str = ""  # why, when khaos_code is None
    hold_reason: str = ""  # set: the order waits for a person (e.g. the product lost its code)
    extended_desc: str = ""  # gift message, chosen options…
    vat_rate: Decimal = STANDARD_RATE  # the shop's VAT rate of the line, in %

    @property
    def total(self) -> Decimal:
        return self.price_before_discounts - self.discount


@dataclass(frozen=True)
class ShopPayment:
    """One payment as the checkout recorded it: what Khaos's PAYMENT_DETAIL is built from.

    Filled by the shop adapter from what the payment step stored; which of these a
    provider has, and which Khaos field each feeds, is the per-provider table's
    business. Card numbers and CV2 are never part of it.
    """

    source_code: str  # Oscar's payment source type code
    amount: Decimal
    provider: str = ""  # "stripe" | "paypal" | "sagepay" | "worldpay" | "dummy" | "voucher" | ""
    auth_code: str = ""  # the provider's authorisation code (Opayo TxAuthNo)
    transaction_id: str = ""  # the provider's id (Opayo VPSTxId, Stripe intent/charge, PayPal txn)
    reference: str = ""  # the shop's own transaction reference (Opayo VendorTxCode)
    security_ref: str = ""  # Opayo SecurityKey, Stripe customer token
    security_comment: str = ""  # AVS/CV2 result text, e.g. "ALL MATCH"
    card_name: str = ""  # the cardholder's name
    card_type: str = ""  # VISA, MC, AMEX… as the provider reported it
    card_last4: str = ""
    preauth: bool = False  # authorised only, to be captured later
    preauth_ref: str = ""
    taken_at: datetime | None = None


@dataclass(frozen=True)
class ShopOrder:
    number: str
    placed_at: datetime  # shop local time, naive
    currency: str
    email: str
    lines: tuple[ShopLine, ...]
    total: Decimal  # what the customer paid, gross
    delivery: Decimal | None  # gross; None: nothing to deliver
    user_id: str | None = None  # None: guest checkout
    login: str = ""
    company_code: str = ""  # only once Khaos has given one
    billing: ShopAddress | None = None
    shipping: ShopAddress | None = None
    shipping_code: str = ""
    surcharges: Decimal = Decimal("0")
    # VAT the shop charged on delivery and surcharges; None: derived from the goods' rate.
    delivery_tax: Decimal | None = None
    payments: tuple[ShopPayment, ...] = ()
    voucher_codes: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class OrderSettings:
    """The retailer's choices (``[khaos]`` and ``[orders]`` configuration)."""

    site: str = ""
    sales_source: str = ""
    brand: str = ""
    company_class: str = ""
    company_type: str = ""
    source_code: str = ""
    couriers: Mapping[str, str] = field(default_factory=dict)
    default_courier: str = ""
    payment_types: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    default_payment_type: int = 2
    # Voucher codes sent as KEYCODE_CODE (each must exist in Khaos); others are not sent.
    keycode_vouchers: frozenset[str] = frozenset()
    calculation: str = GROSS  # how the customers' company class calculates in Khaos
    tax_codes: Mapping[Decimal, int] = field(default_factory=lambda: dict(DEFAULT_TAX_CODES))
    merchant_account: str = "0"

    @classmethod
    def from_config(cls, khaos: Mapping[str, Any], orders: Mapping[str, Any]) -> OrderSettings:
        return cls(
            site=khaos["order_site"],
            sales_source=khaos["sales_source"],
            brand=khaos["brand"],
            company_class=khaos["company_class"],
            company_type=khaos["company_type"],
            source_code=khaos["source_code"],
            couriers=orders["couriers"],
            default_courier=orders["default_courier"],
            payment_types=orders["payment_types"],
            default_payment_type=orders["default_payment_type"],
            keycode_vouchers=frozenset(code.casefold() for code in orders["keycode_vouchers"]),
            calculation=orders["calculation"],
            tax_codes={Decimal(rate): code for rate, code in orders["tax_codes"].items()},
            merchant_account=orders["merchant_account"],
        )

    @property
    def standard_rate(self) -> Decimal:
        for rate, code in self.tax_codes.items():
            if code == STANDARD_TAX_CODE:
                return rate
        return STANDARD_RATE


# --- output ----------------------------------------------------------------------


@dataclass(frozen=True)
class SkippedLine:
    line_id: str
    title: str
    quantity: int
    reason: str

    def as_json(self) -> dict[str, Any]:
        return {
            "line_id": self.line_id,
            "title": self.title,
            "quantity": self.quantity,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class BuiltOrder:
    """``order`` to send; or ``hold`` reasons for a person; or neither: not for Khaos."""

    order: SalesOrder | None
    skipped: tuple[SkippedLine, ...] = ()
    hold: tuple[str, ...] = ()

    @property
    def for_khaos(self) -> bool:
        return self.order is not None or bool(self.hold)


class HoldOrder(Exception):
    """The order cannot go to Khaos as it is; the message says why."""


# --- the builder -------------------------------------------------------------------


def build_sales_order(order: ShopOrder, settings: OrderSettings) -> BuiltOrder:
    skipped = tuple(_skipped(line) for line in order.lines if line.khaos_code is None)
    if len(skipped) == len(order.lines):
        return BuiltOrder(order=None, skipped=skipped)
    if held := tuple(line.hold_reason for line in order.lines if line.hold_reason):
        return BuiltOrder(order=None, skipped=skipped, hold=held)
    try:
        items, goods = _items(order, settings)
        delivery = _delivery_charge(order, settings)
        amount = goods + max(delivery.gross, Decimal("0"))
        sales_order = SalesOrder(
            customer=_customer(order, settings),
            header=_header(order, settings, amount, delivery),
            items=items,
            payments=_payments(order, settings, amount),
        )
        _check_khaos_total(sales_order, settings)
    except HoldOrder as hold:
        return BuiltOrder(order=None, skipped=skipped, hold=(str(hold),))
    except PaymentProblem as problem:
        return BuiltOrder(order=None, skipped=skipped, hold=(str(problem),))
    reasons = limit_problems(sales_order) + _missing_address_fields(sales_order)
    if reasons:
        return BuiltOrder(order=None, skipped=skipped, hold=tuple(reasons))
    return BuiltOrder(order=sales_order, skipped=skipped)


def _skipped(line: ShopLine) -> SkippedLine:
    return SkippedLine(
        line.line_id, line.title, line.quantity, line.not_in_khaos or "not a Khaos product"
    )


# customer ---------------------------------------------------------------------------

# Shop address field → Khaos address field: the declarative part of the mapping.
ADDRESS_FIELDS: Final = (
    ("title", "title"),
    ("first_name", "forename"),
    ("last_name", "surname"),
    ("line1", "address1"),
    ("line2", "address2"),
    ("line3", "address3"),
    ("line4", "town"),
    ("state", "county"),
    ("postcode", "postcode"),
    ("country_code", "country_code"),
    ("organisation", "organisation"),
)


def map_address(address: ShopAddress, *, email: str = "") -> Address:
    values: dict[str, Any] = {
        khaos: _text(getattr(address, shop)) for shop, khaos in ADDRESS_FIELDS
    }
    values["tel"] = _text(address.phone)
    values["email"] = _text(email)
    values["country_code"] = country_alpha3(address.country_code)
    return Address(**values)


def country_alpha3(code: str) -> str | None:
    """Khaos's country code: ISO 3166 alpha-3 (GBR, IRL), whatever the shop holds."""
    text = code.strip().upper()
    if not text:
        return None
    country = None
    if len(text) == 2:
        country = pycountry.countries.get(alpha_2=text)
    elif len(text) == 3:
        country = pycountry.countries.get(alpha_3=text)
    if country is None:
        raise HoldOrder(f"Country code {code!r} is not an ISO 3166 country: Khaos needs one")
    return str(country.alpha_3)


def _customer(order: ShopOrder, settings: OrderSettings) -> Customer:
    billing = order.billing or order.shipping
    if billing is None:
        raise HoldOrder("The order has no address: Khaos needs an invoice address")
    phone = _text((order.shipping or billing).phone) or _text(billing.phone)
    invoice = replace(map_address(billing, email=order.email), tel=_phone(phone, "ITEL"))
    delivery = None
    if order.shipping is not None:
        candidate = replace(map_address(order.shipping), tel=_phone(phone, "DTEL"))
        if not same_address(invoice, candidate):
            delivery = candidate
    guest = order.user_id is None
    return Customer(
        invoice_address=invoice,
        delivery_address=delivery,
        is_new_customer=False,
        company_code=_text(order.company_code),
        other_ref=None if guest else order.user_id,
        # A guest has no login: Khaos matches them by its own rules (name, postcode…).
        web_user=None if guest else _text(order.login or order.email),
        company_class=_text(settings.company_class),
        company_type=_text(settings.company_type),
        source_code=_text(settings.source_code),
    )


_ADDRESS_IDENTITY: Final = (
    "title",
    "forename",
    "surname",
    "address1",
    "address2",
    "address3",
    "town",
    "county",
    "postcode",
    "country_code",
    "organisation",
)


def same_address(first: Address, second: Address) -> bool:
    """Equal for delivery purposes: same person and place, ignoring case and spacing."""

    def key(address: Address) -> tuple[str, ...]:
        return tuple(
            " ".join((getattr(address, name) or "").split()).casefold()
            for name in _ADDRESS_IDENTITY
        )

    return key(first) == key(second)


def _phone(phone: str | None, tag: str) -> str | None:
    """Spaces, dots and dashes carry no information: drop them when the number is too long."""
    if phone is None or khaos_length(phone) <= FIELD_LIMITS[tag]:
        return phone
    return re.sub(r"[\s.\-]", "", phone)


# header -----------------------------------------------------------------------------


@dataclass(frozen=True)
class DeliveryCharge:
    """DELIVERY_GRS alone (standard rate), or DELIVERY_NET + DELIVERY_TAX."""

    gross: Decimal  # -1: no delivery
    net: Decimal | None = None
    tax: Decimal | None = None


def _header(
    order: ShopOrder, settings: OrderSettings, amount: Decimal, delivery: DeliveryCharge
) -> OrderHeader:
    notes = "\n".join(note.strip() for note in order.notes if note.strip())
    return OrderHeader(
        associated_ref=order.number,
        order_date=order.placed_at,
        order_amount=amount,
        order_currency_code=_text(order.currency),
        site=_text(settings.site),
        sales_source=_text(settings.sales_source),
        brand=_text(settings.brand),
        courier_code=_text(settings.couriers.get(order.shipping_code, settings.default_courier)),
        delivery_grs=delivery.gross if delivery.net is None else None,
        delivery_net=delivery.net,
        delivery_tax=delivery.tax,
        keycode_code=_keycode(order, settings),
        order_note=truncate_description(notes, FIELD_LIMITS["ORDER_NOTE"]) if notes else None,
    )


def _keycode(order: ShopOrder, settings: OrderSettings) -> str | None:
    """Only vouchers opted in as Khaos keycodes: an unknown keycode fails the import.

    A keycode is only a reference in Khaos, which applies no discount of its
    own: the shop's discounts are already in the line prices.
    """
    for code in order.voucher_codes:
        if code.casefold() in settings.keycode_vouchers:
            return code
    return None


def _delivery_charge(order: ShopOrder, settings: OrderSettings) -> DeliveryCharge:
    """Khaos takes DELIVERY_GRS to be at the standard rate: any other VAT goes net + tax."""
    gross = _delivery(order)
    if gross < 0:
        return DeliveryCharge(NO_DELIVERY)
    tax = order.delivery_tax
    if tax is None:
        tax = gross_method_vat(gross, _goods_rate(order, settings) / 100)
    standard = gross_method_vat(gross, settings.standard_rate / 100)
    if settings.calculation == GROSS and tax == standard:
        return DeliveryCharge(gross)
    if tax < 0 or tax > gross:
        raise HoldOrder(f"Delivery VAT {tax} does not fit a delivery charge of {gross}")
    return DeliveryCharge(gross, net=gross - tax, tax=tax)


def _goods_rate(order: ShopOrder, settings: OrderSettings) -> Decimal:
    """The goods' single VAT rate, or the standard rate when they are mixed."""
    rates = {line.vat_rate for line in order.lines if line.khaos_code is not None}
    return rates.pop() if len(rates) == 1 else settings.standard_rate


def _delivery(order: ShopOrder) -> Decimal:
    """DELIVERY_GRS: -1 when nothing is delivered, else what the customer paid for it.

    Surcharges (e.g. a payment fee) have no field of their own in Khaos's order,
    so they travel with the delivery charge to keep the total right.
    """
    if order.delivery is None and not order.surcharges:
        return NO_DELIVERY
    return (order.delivery or Decimal("0")) + order.surcharges


# lines --------------------------------------------------------------------------------


def _items(order: ShopOrder, settings: OrderSettings) -> tuple[tuple[OrderItem, ...], Decimal]:
    totals = line_totals(order)
    items: list[OrderItem] = []
    goods = Decimal("0")
    for line, total in zip(order.lines, totals, strict=True):
        if line.khaos_code is None:
            continue
        goods += total
        items.extend(_order_items(line, total, settings))
    return tuple(items), goods


def line_totals(order: ShopOrder) -> list[Decimal]:
    """Each line's share of what the customer paid for the goods, in pennies.

    The difference between the lines' own totals and the order total (an
    order-level discount, or the shop's rounding) is spread in proportion to the
    lines' value, largest remainders first, so the shares add up exactly.
    """
    extras = max(order.delivery or Decimal("0"), Decimal("0")) + order.surcharges
    goods = order.total - extras
    own = [_pennies(line.total) for line in order.lines]
    if any(value < 0 for value in own):
        raise HoldOrder("A line has a negative price after discounts")
    target = _pennies(goods)
    if target < 0:
        raise HoldOrder(
            f"The order total {order.total} is less than its delivery and surcharges {extras}"
        )
    return [Decimal(p) * PENNY for p in spread(own, sum(own) - target)]


def spread(values: Sequence[int], reduction: int) -> list[int]:
    """Take ``reduction`` (may be negative) off ``values`` in proportion, exactly."""
    total = sum(values)
    if reduction == 0:
        return list(values)
    if total <= 0 or reduction > total:
        raise HoldOrder(
            f"An order-level discount of {Decimal(reduction) * PENNY} is larger than the goods"
        )
    shares = [reduction * value // total for value in values]
    remainders = [reduction * value % total for value in values]
    left = reduction - sum(shares)
    for index in sorted(range(len(values)), key=lambda i: (-remainders[i], i))[:left]:
        shares[index] += 1
    return [value - share for value, share in zip(values, shares, strict=True)]


def _order_items(line: ShopLine, total: Decimal, settings: OrderSettings) -> list[OrderItem]:
    """The rows that make Khaos book exactly ``total`` (gross) for this line."""
    if line.quantity < 1:
        raise HoldOrder(f"Line {line.line_id} has quantity {line.quantity}")
    code = tax_code(line.vat_rate, settings)
    rate = line.vat_rate / 100
    price_is_net = settings.calculation == NET or code != STANDARD_TAX_CODE
    target = total
    if settings.calculation == NET:
        net = net_for_gross(total, rate)
        if net is None:
            raise HoldOrder(
                f"Line {line.line_id} ({line.title}): a gross of {total} at {line.vat_rate}% VAT "
                "is not net + VAT of any net amount; Khaos's net method cannot book it"
            )
        target = net
    for rows in _row_plans(line.quantity, target):
        priced = [_unit_price(qty, amount, rate, price_is_net, settings) for qty, amount in rows]
        if all(price is not None for price in priced):
            return [
                _order_item(line, qty, price, price_is_net, code)
                for (qty, _), price in zip(rows, priced, strict=True)
                if price is not None
            ]
    raise HoldOrder(
        f"Line {line.line_id} ({line.title}): no unit price makes Khaos book {total} "
        f"for {line.quantity} at {line.vat_rate}% VAT"
    )


def tax_code(rate: Decimal, settings: OrderSettings) -> int:
    """Khaos's tax code of a shop VAT rate (``[orders] tax_codes``)."""
    code = settings.tax_codes.get(rate.normalize()) or settings.tax_codes.get(rate)
    if code is None:
        for known, value in settings.tax_codes.items():
            if known == rate:
                return value
        raise HoldOrder(
            f"VAT rate {rate.normalize()}% has no Khaos tax code; add it to [orders] tax_codes"
        )
    return code


def _row_plans(quantity: int, amount: Decimal) -> list[list[tuple[int, Decimal]]]:
    """One row for the line; failing that, two rows whose unit prices are whole pennies."""
    pennies = _pennies(amount)
    unit, odd = divmod(pennies, quantity)
    plans = [[(quantity, amount)]]
    if odd:
        plans.append(
            [
                (odd, Decimal((unit + 1) * odd) * PENNY),
                (quantity - odd, Decimal(unit * (quantity - odd)) * PENNY),
            ]
        )
    return plans


def _unit_price(
    quantity: int, amount: Decimal, rate: Decimal, price_is_net: bool, settings: OrderSettings
) -> Decimal | None:
    """The shortest unit price for which Khaos books ``amount`` for ``quantity`` units.

    ``amount`` is the line gross, except with the net method, where it is the line net.
    """
    method = settings.calculation
    exact = amount / quantity
    if price_is_net and method == GROSS:
        exact = amount / (1 + rate) / quantity
    for places in PRICE_PLACES:
        step = Decimal(1).scaleb(-places)
        base = exact.quantize(step)
        for candidate in (base, base + step, base - step):
            if candidate < 0:
                continue
            figures = khaos_line(
                quantity, candidate, rate, price_is_net=price_is_net, method=method
            )
            if method == NET:
                exact_enough = figures.net == amount
            else:
                exact_enough = figures.gross == amount and figures.vat == gross_method_vat(
                    amount, rate
                )
            if exact_enough:
                return candidate
    return None


def _order_item(
    line: ShopLine, quantity: int, unit_price: Decimal, price_is_net: bool, code: int
) -> OrderItem:
    assert line.khaos_code is not None
    return OrderItem(
        stock_code=line.khaos_code,
        mapping_type=MappingType.STOCK_CODE,
        stock_desc=_truncated(line.title, "STOCK_DESC"),
        extended_desc=_wrapped(line.extended_desc, "EXTENDED_DESC"),
        order_qty=Decimal(quantity),
        price_net=unit_price if price_is_net else None,
        price_grs=None if price_is_net else unit_price,
        tax_rate=code if price_is_net else None,
        import_ref=line.line_id,
    )


def khaos_figures(order: SalesOrder, settings: OrderSettings) -> tuple[Decimal, Decimal]:
    """(goods gross, goods VAT) as Khaos will compute them for the built order."""
    rates = {code: rate for rate, code in settings.tax_codes.items()}
    gross = vat = Decimal("0")
    for item in order.items:
        is_net = item.price_net is not None
        price = item.price_net if item.price_net is not None else item.price_grs
        assert price is not None and item.order_qty is not None
        rate = rates.get(item.tax_rate or STANDARD_TAX_CODE, settings.standard_rate)
        figures = khaos_line(
            int(item.order_qty), price, rate / 100, price_is_net=is_net, method=settings.calculation
        )
        gross += figures.gross
        vat += figures.vat
    return gross, vat


def _check_khaos_total(order: SalesOrder, settings: OrderSettings) -> None:
    goods, _ = khaos_figures(order, settings)
    header = order.header
    if header.delivery_net is not None:
        delivery = header.delivery_net + (header.delivery_tax or Decimal("0"))
    else:
        delivery = max(header.delivery_grs or Decimal("0"), Decimal("0"))
    total = goods + delivery
    if total != header.order_amount:
        raise HoldOrder(
            f"Khaos would compute a total of {total}, not the {header.order_amount} "
            "the customer paid; check the lines' VAT rates and [orders] calculation"
        )


# payments -------------------------------------------------------------------------


def _payments(order: ShopOrder, settings: OrderSettings, amount: Decimal) -> tuple[Payment, ...]:
    """Payments as taken, never more in total than the Khaos order is worth.

    Lines left out (not Khaos products) were paid for too; that part of the
    money stays with the shop, so Khaos does not see an overpayment. An order
    of nothing to pay (zero total) has no payment at all.
    """
    left = amount
    payments = []
    for payment in order.payments:
        value = min(payment.amount, left)
        if value <= 0:
            continue
        left -= value
        payments.append(
            khaos_payment(
                payment,
                value,
                payment_types=settings.payment_types,
                default_payment_type=settings.default_payment_type,
                merchant_account=settings.merchant_account,
            )
        )
    return tuple(payments)


# field limits -------------------------------------------------------------------------

_LABELS: Final = {
    "ADDRESS1": "address line 1",
    "ADDRESS2": "address line 2",
    "ADDRESS3": "address line 3",
    "TOWN": "town",
    "COUNTY": "county",
    "POSTCODE": "postcode",
    "TITLE": "title",
    "FORENAME": "first name",
    "SURNAME": "last name",
    "TEL": "telephone",
    "EMAIL": "e-mail",
    "ORGANISATION": "organisation",
}


def limit_problems(order: SalesOrder) -> list[str]:
    """Every value Khaos would refuse or cut, worded for the person who fixes it."""
    problems = []
    records: list[tuple[str, object | None]] = [
        ("", order.customer),
        ("I", order.customer.invoice_address),
        ("D", order.customer.delivery_address),
        ("", order.header),
    ]
    for prefix, record in records:
        if record is None:
            continue
        for spec in fields(record):  # type: ignore[arg-type]
            tag = prefix + spec.name.upper()
            value = getattr(record, spec.name)
            limit = FIELD_LIMITS.get(tag)
            if isinstance(value, str) and limit is not None and khaos_length(value) > limit:
                problems.append(_limit_message(prefix, tag, value, limit))
    return problems


def _limit_message(prefix: str, tag: str, value: str, limit: int) -> str:
    where = {"I": "Invoice address", "D": "Delivery address"}.get(prefix, "Order")
    label = _LABELS.get(tag[len(prefix) :], tag)
    return (
        f"{where}: {label} ({tag}) is {khaos_length(value)} characters long; "
        f"Khaos accepts at most {limit}: {value!r}"
    )


_REQUIRED: Final = (
    ("address1", "address line 1"),
    ("town", "town"),
    ("postcode", "postcode"),
    ("surname", "last name"),
)


def _missing_address_fields(order: SalesOrder) -> list[str]:
    address = order.customer.invoice_address
    missing = [label for name, label in _REQUIRED if not getattr(address, name)]
    if not missing:
        return []
    return [f"Invoice address: Khaos needs {', '.join(missing)}"]


# small helpers --------------------------------------------------------------------------


def _text(value: str | None) -> str | None:
    """Trimmed text, or None (left out of the document) when empty."""
    if value is None:
        return None
    text = " ".join(str(value).split()) if "\n" not in str(value) else str(value).strip()
    return text or None


def _wrapped(value: str, tag: str) -> str | None:
    text = _text(value)
    return None if text is None else wrap_lines(text, LINE_LIMITS[tag])


def _truncated(value: str, tag: str) -> str | None:
    text = _text(value)
    return None if text is None else truncate_description(text, FIELD_LIMITS[tag])


def _pennies(amount: Decimal) -> int:
    return int((amount / PENNY).to_integral_value())
