"""The order's dashboard page shows the payment details Khaos receives for it."""

from __future__ import annotations

from typing import Any

import pytest
from payments import PaymentStatus

from tests.integration.payments.support import waiting_payment

pytestmark = pytest.mark.django_db


def test_the_order_page_shows_what_khaos_gets_for_the_payment(
    django_capture_on_commit_callbacks: Any, admin_client: Any
) -> None:
    payment = waiting_payment()
    with django_capture_on_commit_callbacks(execute=True):
        payment.change_status(PaymentStatus.CONFIRMED)
    payment.refresh_from_db()

    page = admin_client.get(f"/dashboard/orders/{payment.order.number}/").content.decode()

    sent = page[page.index('id="khaos-payments-sent"') :]
    sent = sent[: sent.index("</table>")]
    assert "<th>PREAUTH</th><td>0</td>" in sent  # the money is taken
    reference = payment.order.sources.get().reference  # the provider's transaction id
    assert reference and f"<th>TRANSACTION_ID</th><td>{reference}</td>" in sent
    assert "<th>PAYMENT_AMOUNT</th><td>49.98</td>" in sent
    assert "4242" not in sent.replace("VISA", "")  # no card number, not even in part
