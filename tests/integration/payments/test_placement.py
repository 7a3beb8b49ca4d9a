"""An order is placed only for a confirmed payment, and only once however often it is confirmed."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from oscar.core.loading import get_model
from payments import PaymentStatus

from khaos_sync.mappers.orders import OrderSettings, build_sales_order
from khaos_sync.shop.payments.models import Payment
from khaos_sync.shop.payments.placement import place_paid_order
from khaos_sync.store.orders import load_orders, shop_order
from khaos_sync.sync.orders.models import OrderExport
from tests.integration.payments.support import waiting_payment

Order = get_model("order", "Order")
Basket = get_model("basket", "Basket")

pytestmark = pytest.mark.django_db


def confirm(payment: Payment, status: str, capture: Any) -> None:
    with capture(execute=True):
        payment.change_status(status)


def test_a_confirmed_payment_places_its_order_with_the_payment_details(
    django_capture_on_commit_callbacks: Any,
) -> None:
    payment = waiting_payment()
    confirm(payment, PaymentStatus.CONFIRMED, django_capture_on_commit_callbacks)

    payment.refresh_from_db()
    order = payment.order
    assert order is not None and order.number == payment.order_number
    assert order.total_incl_tax == Decimal("49.98") == payment.total
    assert order.email == "ada@example.com"
    assert Basket.objects.get(pk=payment.basket_id).status == Basket.SUBMITTED
    source = order.sources.get()
    assert (source.source_type.code, source.amount_debited) == ("dummy", Decimal("49.98"))
    assert OrderExport.objects.filter(order=order).exists()

    shop = shop_order(load_orders([order.pk])[order.pk])
    (paid,) = shop.payments
    assert paid.provider == "dummy" and not paid.preauth
    assert paid.transaction_id.startswith("DUMMY-") and paid.auth_code
    assert paid.reference == payment.token
    assert (paid.card_type, paid.card_last4, paid.card_name) == ("VISA", "4242", "Ada Lovelace")
    built = build_sales_order(shop, OrderSettings()).order
    assert built is not None
    (sent,) = built.payments
    assert (
        sent.transaction_id == paid.transaction_id and sent.preauth is False
    )  # PREAUTH 0: the money is taken


def test_a_preauthorised_payment_is_marked_so(django_capture_on_commit_callbacks: Any) -> None:
    payment = waiting_payment()
    confirm(payment, PaymentStatus.PREAUTH, django_capture_on_commit_callbacks)

    payment.refresh_from_db()
    assert payment.preauth
    source = payment.order.sources.get()
    assert source.amount_debited == 0 and source.amount_allocated == Decimal("49.98")
    assert source.transactions.get().txn_type == "Authorise"
    shop = shop_order(load_orders([payment.order_id])[payment.order_id])
    assert shop.payments[0].preauth and shop.payments[0].preauth_ref == payment.token
    built = build_sales_order(shop, OrderSettings()).order
    assert built is not None and built.payments[0].preauth is True


@pytest.mark.parametrize("status", [PaymentStatus.REJECTED, PaymentStatus.ERROR])
def test_a_declined_or_failed_payment_places_no_order(
    status: str, django_capture_on_commit_callbacks: Any
) -> None:
    payment = waiting_payment()
    confirm(payment, status, django_capture_on_commit_callbacks)

    assert place_paid_order(payment.pk) is None
    assert not Order.objects.exists() and not OrderExport.objects.exists()


def test_a_duplicated_confirmation_places_one_order(
    django_capture_on_commit_callbacks: Any,
) -> None:
    payment = waiting_payment()
    confirm(payment, PaymentStatus.CONFIRMED, django_capture_on_commit_callbacks)
    confirm(
        payment, PaymentStatus.CONFIRMED, django_capture_on_commit_callbacks
    )  # the webhook again
    first = place_paid_order(payment.pk)  # the customer's return page, late
    second = place_paid_order(payment.pk)

    assert first is not None and second is not None and first.pk == second.pk
    assert Order.objects.count() == 1 and OrderExport.objects.count() == 1
    assert first.sources.count() == 1


def test_a_transaction_id_belongs_to_one_payment() -> None:
    from django.db import IntegrityError, transaction

    first, second = waiting_payment(), waiting_payment()
    Payment.objects.filter(pk=first.pk).update(transaction_id="cs_test_1")
    with pytest.raises(IntegrityError), transaction.atomic():
        Payment.objects.filter(pk=second.pk).update(transaction_id="cs_test_1")
