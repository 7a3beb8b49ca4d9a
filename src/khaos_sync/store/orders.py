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
    )


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
        country_code=address.country_id or "",
        phone=str(phone) if phone else "",
    )


def _payment(source: Any) -> ShopPayment | None:
    """One payment source; Oscar keeps no card numbers on it, and neither do we."""
    amount = source.amount_debited or source.amount_allocated
    if not amount:
        return None
    transactions = sorted(source.transactions.all(), key=lambda t: (t.date_created, t.pk))
    taken = [t for t in transactions if t.txn_type in (AUTHORISE, DEBIT)]
    last = taken[-1] if taken else None
    preauth = not source.amount_debited and bool(source.amount_allocated)
    return ShopPayment(
        source_code=source.source_type.code,
        amount=amount,
        auth_code=last.reference if last is not None else "",
        transaction_id=source.reference,
        preauth=preauth,
        preauth_ref=last.reference if preauth and last is not None else "",
        taken_at=timezone.localtime(last.date_created).replace(tzinfo=None) if last else None,
    )
