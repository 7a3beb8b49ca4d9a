"""Checkout forms: Oscar's, refusing what Khaos cannot import for its length.

Khaos keeps address lines, town and county in 35 characters, postcodes in 10,
telephone numbers in 19, names and e-mail addresses in 50 (counted as Khaos
counts: UTF-16 code units). An order that breaks one of these would be held
later, after the customer has paid; the form says so while they can still fix it.
"""

from __future__ import annotations

from typing import Any

from django import forms
from oscar.apps.checkout.forms import *  # noqa: F403  Oscar's documented fork pattern
from oscar.apps.checkout.forms import GatewayForm as OscarGatewayForm
from oscar.apps.checkout.forms import ShippingAddressForm as OscarShippingAddressForm

from khaos_sync.protocol.documents.orders import FIELD_LIMITS, khaos_length

# Shop address field → (Khaos tag, what the customer calls it).
ADDRESS_LIMITS: dict[str, tuple[str, str]] = {
    "first_name": ("IFORENAME", "First name"),
    "last_name": ("ISURNAME", "Last name"),
    "line1": ("IADDRESS1", "First line of address"),
    "line2": ("IADDRESS2", "Second line of address"),
    "line3": ("IADDRESS3", "Third line of address"),
    "line4": ("ITOWN", "City or town"),
    "state": ("ICOUNTY", "County"),
    "postcode": ("IPOSTCODE", "Postcode"),
    "phone_number": ("ITEL", "Phone number"),
}
EMAIL_LIMIT = FIELD_LIMITS["WEB_USER"]


def too_long(label: str, value: str, limit: int) -> str:
    over = khaos_length(value) - limit
    message = f"{label} can be at most {limit} characters; this is {over} too many."
    if label.endswith("line of address"):
        message += " Please carry on in the next line."
    return message


def limit_errors(values: Any) -> dict[str, str]:
    """Field → friendly error, for each address field longer than Khaos keeps.

    ``values`` is a form's cleaned data or an address object (the address book).
    """
    errors = {}
    for field, (tag, label) in ADDRESS_LIMITS.items():
        value = values.get(field) if isinstance(values, dict) else getattr(values, field, None)
        if not value:
            continue
        text = value.as_e164 if hasattr(value, "as_e164") else str(value)
        limit = FIELD_LIMITS[tag]
        if khaos_length(text) > limit:
            errors[field] = too_long(label, text, limit)
    return errors


class KhaosLimitsMixin:
    """Adds a friendly error to every address field longer than Khaos keeps."""

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean()
        for field, message in limit_errors(cleaned).items():
            self.add_error(field, message)  # type: ignore[attr-defined]
        return cleaned


class ShippingAddressForm(KhaosLimitsMixin, OscarShippingAddressForm):
    """No maxlength in the page: a browser would cut pasted text silently; the form explains."""


class GatewayForm(OscarGatewayForm):
    def clean_username(self) -> str:
        email: str = super().clean_username()
        if khaos_length(email) > EMAIL_LIMIT:
            raise forms.ValidationError(
                f"Khaos keeps e-mail addresses of at most {EMAIL_LIMIT} characters; "
                f"this one has {khaos_length(email)}. Please use a shorter address."
            )
        return email
