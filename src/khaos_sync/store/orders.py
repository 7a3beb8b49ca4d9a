"""Reading placed Oscar orders into the order mapper's input (``ShopOrder``)."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Prefetch
from django.utils import timezone
from oscar.core.loading import get_model

from khaos_sync.mappers.orders import ShopAddress, ShopLine, ShopOrder, ShopPayment

Order = get_model("order", "Order")
Line = get_model("order", "Line")
OrderNote = get_model("order", "OrderNote")

# Oscar's transaction types that mean money was authorised or taken.
AUTHORISE, DEBIT = "Authorise", "Debit"
# Notes written by the system (status changes…) are not for the warehouse.
SYSTEM_NOTE = "System"


def load_orders(order_ids: Iterable[int]) -> dict[int, Any]:
    """The orders with everything the export reads, in a fixed number of queries."""
    lines = Line.objects.select_related("product__khaos", "product__parent").prefetch_related(
        "attributes"
    )
    queryset = (
        Order.objects.filter(pk__in=list(order_ids))
        .select_related(
            "user__khaos_customer",
            "billing_address__country",
            "shipping_address__country",
        )
        .prefetch_related(
            Prefetch("lines", queryset=lines.order_by("pk")),
            "sources__source_type",
            "sources__transactions",
            "discounts",
            "surcharges",
            "notes",
        )
    )
    return {order.pk: order for order in queryset}


def shop_order(order: Any) -> ShopOrder:
    user = order.user
    return ShopOrder(
        number=order.number,
        placed_at=timezone.localtime(order.date_placed).replace(tzinfo=None),
        currency=order.currency,
        email=order.email or "",
        lines=tuple(shop_line(line) for line in order.lines.all()),
        total=order.total_incl_tax,
        delivery=_delivery(order),
        user_id=None if user is None else str(user.pk),
        login=_login(user),
        company_code=_company_code(user),
        billing=_address(order.billing_address),
        shipping=_address(order.shipping_address),
        shipping_code=order.shipping_code or "",
        surcharges=sum((s.incl_tax for s in order.surcharges.all()), Decimal("0")),
        delivery_tax=_delivery_tax(order),
        payments=tuple(p for p in map(_payment, order.sources.all()) if p is not None),
        voucher_codes=tuple(d.voucher_code for d in order.discounts.all() if d.voucher_code),
        notes=tuple(n.message for n in order.notes.all() if n.note_type != SYSTEM_NOTE),
    )


def shop_line(line: Any) -> ShopLine:
    code, reason, hold = khaos_code(line)
    return ShopLine(
        line_id=str(line.pk),
        title=line.title,
        quantity=line.quantity,
        price_before_discounts=line.line_price_before_discounts_incl_tax,
        discount=line.line_price_before_discounts_incl_tax - line.line_price_incl_tax,
        khaos_code=code,
        not_in_khaos=reason,
        hold_reason=hold,
        extended_desc="; ".join(_attribute_text(a) for a in line.attributes.all()),
        vat_rate=vat_rate(
            line.line_price_before_discounts_excl_tax, line.line_price_before_discounts_incl_tax
        ),
    )


# VAT rates a shop line may carry; the nearest one is taken, since Oscar keeps
# only pennies (a £0.05 line at 20% is 0.04 + 0.01).
KNOWN_RATES = (Decimal("0"), Decimal("5"), Decimal("20"))


def vat_rate(excl_tax: Decimal | None, incl_tax: Decimal | None) -> Decimal:
    """The line's VAT rate in %, from Oscar's prices with and without tax."""
    if not excl_tax or incl_tax is None:
        return Decimal("20")
    exact = (Decimal(incl_tax) - Decimal(excl_tax)) / Decimal(excl_tax) * 100
    rates = set(KNOWN_RATES) | _configured_rates()
    return min(rates, key=lambda rate: (abs(rate - exact), rate))


def _configured_rates() -> set[Decimal]:
    from django.conf import settings

    return {Decimal(rate) for rate in settings.KHAOS_SYNC["orders"]["tax_codes"]}


def _delivery_tax(order: Any) -> Decimal | None:
    """VAT on delivery and surcharges as the shop charged it; None when Oscar does not know."""
    if order.shipping_excl_tax is None:
        return None
    tax = Decimal(order.shipping_incl_tax) - Decimal(order.shipping_excl_tax)
    for surcharge in order.surcharges.all():
        tax += Decimal(surcharge.incl_tax) - Decimal(surcharge.excl_tax)
    return tax


def khaos_code(line: Any) -> tuple[str | None, str, str]:
    """The product's current Khaos stock code; or why it is not a Khaos line; or why to hold.

    A pack header (a Khaos bundle) is sent as its own code: Khaos adds the
    pack's children itself. A Khaos product whose code now belongs to another
    Khaos item has no code of its own: its order waits for a person.
    """
    product = line.product
    if product is None:
        return None, "the product no longer exists in the shop", ""
    try:
        binding = product.khaos
    except ObjectDoesNotExist:
        return None, "not a Khaos product (no Khaos stock item is linked to it)", ""
    if not binding.stock_code:
        return None, "the linked Khaos stock item has no stock code", ""
    if not product.upc and (flag := code_flag(binding.stock_id)):
        return (
            binding.stock_code,
            "",
            f"{line.title}: Khaos item {binding.stock_id} has no stock code of its own ({flag})",
        )
    return binding.stock_code, "", ""


def code_flag(stock_id: str) -> str:
    """Why a Khaos item gave up its code, while it has none (an open review flag)."""
    from khaos_sync.sync.catalogue.models import ReviewFlag

    flag = ReviewFlag.objects.filter(
        kind=ReviewFlag.Kind.CODE, khaos_ref=stock_id, resolved_at=None
    ).first()
    return flag.reason if flag else ""


def _attribute_text(attribute: Any) -> str:
    name = attribute.option.name if attribute.option is not None else attribute.type
    return f"{name}: {attribute.value}"


def _delivery(order: Any) -> Decimal | None:
    if order.shipping_code == "no-shipping-required" and not order.shipping_incl_tax:
        return None
    return Decimal(order.shipping_incl_tax)


def _login(user: Any) -> str:
    if user is None:
        return ""
    return str(user.email or user.get_username())


def _company_code(user: Any) -> str:
    if user is None:
        return ""
    try:
        return user.khaos_customer.company_code or ""
    except ObjectDoesNotExist:
        return ""


def _address(address: Any) -> ShopAddress | None:
    if address is None:
        return None
    phone = getattr(address, "phone_number", None)
    return ShopAddress(
        title=address.get_title_display() if address.title else "",
        first_name=address.first_name,
        last_name=address.last_name,
        line1=address.line1,
        line2=address.line2,
        line3=address.line3,
        line4=address.line4,
        state=address.state,
        postcode=address.postcode,
        country_code=_alpha3(address),
        phone=str(phone) if phone else "",
    )


def _alpha3(address: Any) -> str:
    """Khaos wants 3-letter country codes: Oscar's country record carries them."""
    country = address.country if address.country_id else None
    if country is None:
        return ""
    return str(getattr(country, "iso_3166_1_a3", "") or address.country_id)


def _payment(source: Any) -> ShopPayment | None:
    """One payment source, with what the payment step kept (docs/payments.md).

    Oscar keeps no card numbers on a source, and neither does the payment step.
    """
    amount = source.amount_debited or source.amount_allocated
    if not amount:
        return None
    transactions = sorted(source.transactions.all(), key=lambda t: (t.date_created, t.pk))
    taken = [t for t in transactions if t.txn_type in (AUTHORISE, DEBIT)]
    last = taken[-1] if taken else None
    preauth = not source.amount_debited and bool(source.amount_allocated)
    taken_at = last.date_created if last is not None else None
    gateway = _gateway_payment(source)
    if gateway is None:
        return ShopPayment(
            source_code=source.source_type.code,
            amount=amount,
            auth_code=last.reference if last is not None else "",
            transaction_id=source.reference,
            preauth=preauth,
            preauth_ref=last.reference if preauth and last is not None else "",
            taken_at=_local(taken_at),
        )
    return ShopPayment(
        source_code=source.source_type.code,
        amount=amount,
        provider=gateway.provider,
        auth_code=gateway.auth_code,
        transaction_id=source.reference,
        reference=gateway.reference,
        security_ref=gateway.security_ref,
        security_comment=gateway.security_comment,
        card_name=gateway.card_name,
        card_type=gateway.card_type,
        card_last4=gateway.card_last4,
        preauth=gateway.preauth,
        preauth_ref=gateway.reference if gateway.preauth else "",
        taken_at=_local(gateway.confirmed_at or taken_at),
    )


def _gateway_payment(source: Any) -> Any | None:
    """The checkout's payment record behind a source; None for sources made another way."""
    try:
        return source.gateway_payment
    except ObjectDoesNotExist:
        return None


def _local(moment: Any) -> Any:
    return timezone.localtime(moment).replace(tzinfo=None) if moment is not None else None
