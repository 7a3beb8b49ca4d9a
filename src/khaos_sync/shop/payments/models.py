"""The payment record: django-payments' model, plus what the order needs once it is paid.

A payment is made before its order exists: it keeps the frozen basket and the
checkout's addresses and shipping method, so the order can be placed from the
provider's confirmation, whichever of the return page or the webhook comes
first. It also keeps the details Khaos asks for. Never a card number or CV2.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from payments.core import get_base_url
from payments.models import BasePayment

# Written only when the order is placed (placement.py), with these update_fields.
PLACEMENT_FIELDS = (
    "order",
    "source",
    "auth_code",
    "reference",
    "security_ref",
    "security_comment",
    "card_name",
    "card_type",
    "card_last4",
    "preauth",
    "confirmed_at",
)


class Payment(BasePayment):
    provider = models.CharField(max_length=16)
    order_number = models.CharField(max_length=128, unique=True)
    basket = models.ForeignKey(
        "basket.Basket", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Addresses, shipping method code and guest e-mail, as the checkout had them.
    checkout = models.JSONField(default=dict, blank=True)
    order = models.OneToOneField(
        "order.Order",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="gateway_payment",
    )
    source = models.OneToOneField(
        "payment.Source",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="gateway_payment",
    )
    # What Khaos's PAYMENT_DETAIL asks for.
    auth_code = models.CharField(max_length=64, blank=True)
    reference = models.CharField(max_length=64, blank=True)
    security_ref = models.CharField(max_length=128, blank=True)
    security_comment = models.CharField(max_length=255, blank=True)
    card_name = models.CharField(max_length=128, blank=True)
    card_type = models.CharField(max_length=32, blank=True)
    card_last4 = models.CharField(max_length=4, blank=True)
    preauth = models.BooleanField(default=False)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["variant", "transaction_id"],
                condition=~Q(transaction_id=""),
                name="one_payment_per_provider_transaction",
            )
        ]

    def save(self, *args: Any, **kwargs: Any) -> None:
        # django-payments saves whole payment objects it loaded before the order
        # was placed; such a save must not undo the placement.
        if self.pk and kwargs.get("update_fields") is None and not kwargs.get("force_insert"):
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key and field.name not in PLACEMENT_FIELDS
            ]
        super().save(*args, **kwargs)

    def __str__(self) -> str:
        return f"{self.provider} payment for order {self.order_number}"

    def get_success_url(self) -> str:
        return _address(reverse("checkout:payment-return", kwargs={"token": self.token}))

    def get_failure_url(self) -> str:
        return _address(reverse("checkout:payment-failed", kwargs={"token": self.token}))


def _address(path: str) -> str:
    """Absolute on the shop's public address; relative (same host) when none is configured."""
    return f"{get_base_url()}{path}" if getattr(settings, "PAYMENT_HOST", None) else path
