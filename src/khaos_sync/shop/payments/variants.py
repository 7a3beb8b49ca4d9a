"""The ``[payments]`` configuration turned into django-payments settings, and checked.

Pure Python: the shop's settings module and ``khaos-sync check`` both use it
before (or without) Django.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlparse

PROVIDERS = {
    "dummy": "payments.dummy.DummyProvider",
    "stripe": "khaos_sync.shop.payments.providers.StripeProvider",
    "paypal": "khaos_sync.shop.payments.providers.PaypalProvider",
    "sagepay": "khaos_sync.shop.payments.providers.SagepayProvider",
}
LABELS = {"dummy": "Test payment", "stripe": "Stripe", "paypal": "PayPal", "sagepay": "Opayo"}
# Keys a provider cannot work without (secrets may come from the environment).
REQUIRED = {
    "stripe": ("stripe_secret_key", "stripe_webhook_secret"),
    "paypal": ("paypal_client_id", "paypal_secret"),
    "sagepay": ("sagepay_vendor", "sagepay_encryption_key"),
}
# Why a provider cannot pre-authorise through django-payments 4.1 (or Khaos refuses it).
NO_PREAUTH = {
    "stripe": "django-payments' Stripe Checkout provider takes the money at once",
    "paypal": "Khaos takes no pre-authorised PayPal payments",
    "sagepay": "django-payments' Opayo Form provider only sends PAYMENT transactions",
}
AES_KEY_LENGTHS = (16, 24, 32)


def provider_kwargs(payments: Mapping[str, Any]) -> dict[str, Any]:
    provider = payments["provider"]
    capture = payments["capture"] == "immediate"
    if provider == "stripe":
        return {
            "api_key": payments["stripe_secret_key"],
            "endpoint_secret": payments["stripe_webhook_secret"],
            "secure_endpoint": True,
            "use_token": True,
            "capture": capture,
        }
    if provider == "paypal":
        return {
            "client_id": payments["paypal_client_id"],
            "secret": payments["paypal_secret"],
            "endpoint": payments["paypal_endpoint"],
            "capture": capture,
        }
    if provider == "sagepay":
        return {
            "vendor": payments["sagepay_vendor"],
            "encryption_key": payments["sagepay_encryption_key"],
            "endpoint": payments["sagepay_endpoint"],
            "capture": capture,
        }
    return {"capture": capture}


def payment_variants(payments: Mapping[str, Any]) -> dict[str, tuple[str, dict[str, Any]]]:
    """``PAYMENT_VARIANTS``: one variant, named after the configured provider."""
    provider = payments["provider"]
    if not provider:
        return {}
    return {provider: (PROVIDERS[provider], provider_kwargs(payments))}


def payment_host(site_url: str) -> tuple[str | None, bool | None]:
    """(PAYMENT_HOST, PAYMENT_USES_SSL) from the shop's public address; None: django-payments' own.

    Without a site address django-payments falls back to the Sites framework's
    domain, which is fine for the dummy provider (it never leaves the shop).
    """
    if not site_url:
        return None, None
    parsed = urlparse(site_url)
    return parsed.netloc, parsed.scheme == "https"


def configuration_problems(payments: Mapping[str, Any], site_url: str) -> list[str]:
    """What stops the configured provider from taking money, one line each; [] when ready."""
    provider = payments["provider"]
    if not provider:
        return ["no payment provider: set payments.provider (stripe, paypal, sagepay or dummy)"]
    problems = [
        f"payments.{key} is empty (or set KHAOS_SYNC_PAYMENTS_{key.upper()})"
        for key in REQUIRED.get(provider, ())
        if not payments[key]
    ]
    if payments["capture"] == "preauth" and provider in NO_PREAUTH:
        problems.append(
            f'payments.capture = "preauth" does not work with {provider}: ' + NO_PREAUTH[provider]
        )
    key = payments["sagepay_encryption_key"]
    if provider == "sagepay" and key and len(key.encode()) not in AES_KEY_LENGTHS:
        problems.append("payments.sagepay_encryption_key must be the 16-character Form password")
    if provider != "dummy" and not site_url:
        problems.append(f"shop.site_url is empty: {LABELS[provider]} needs it for return addresses")
    return problems


def describe(payments: Mapping[str, Any]) -> str:
    provider = payments["provider"]
    if not provider:
        return "(none)"
    note = " (takes no money: demo and tests only)" if provider == "dummy" else ""
    return f"{LABELS[provider]}, capture {payments['capture']}{note}"
