"""[payments]: secrets from the environment, and check's verdict on a provider set up by halves."""

from __future__ import annotations

from pathlib import Path

import pytest

from khaos_sync import config
from khaos_sync.cli.check import payment_verdict
from khaos_sync.shop.payments.variants import payment_host, payment_variants


def load(tmp_path: Path, toml: str = "", **env: str) -> dict:
    (tmp_path / "khaos-sync.toml").write_text(toml)
    environ = {"KHAOS_SYNC_DATA_DIR": str(tmp_path), **env}
    return dict(config.load(environ).values["payments"])


def test_secrets_come_from_the_environment(tmp_path: Path) -> None:
    payments = load(
        tmp_path,
        '[payments]\nprovider = "stripe"\n',
        KHAOS_SYNC_PAYMENTS_STRIPE_SECRET_KEY="sk_test_env",
        KHAOS_SYNC_PAYMENTS_STRIPE_WEBHOOK_SECRET="whsec_env",
    )
    ((variant, (path, kwargs)),) = payment_variants(payments).items()
    assert variant == "stripe" and path.endswith("StripeProvider")
    assert kwargs["api_key"] == "sk_test_env" and kwargs["endpoint_secret"] == "whsec_env"
    assert kwargs["secure_endpoint"] is True


def test_an_unknown_provider_or_capture_stops_the_program(tmp_path: Path) -> None:
    with pytest.raises(config.ConfigError, match=r"payments\.provider must be one of"):
        load(tmp_path, '[payments]\nprovider = "worldpay"\n')
    with pytest.raises(config.ConfigError, match=r"payments\.capture must be one of"):
        load(tmp_path, '[payments]\ncapture = "later"\n')


def test_check_reports_a_missing_provider(tmp_path: Path) -> None:
    verdict = payment_verdict(load(tmp_path), "https://shop.example.co.uk")
    assert not verdict.passed
    assert "set payments.provider" in verdict.found


def test_check_names_what_a_half_configured_provider_lacks(tmp_path: Path) -> None:
    payments = load(tmp_path, '[payments]\nprovider = "sagepay"\nsagepay_vendor = "acme"\n')
    verdict = payment_verdict(payments, "")
    assert not verdict.passed
    assert "payments.sagepay_encryption_key is empty" in verdict.found
    assert "KHAOS_SYNC_PAYMENTS_SAGEPAY_ENCRYPTION_KEY" in verdict.found
    assert "shop.site_url is empty" in verdict.found


def test_check_refuses_a_preauthorisation_the_provider_cannot_make(tmp_path: Path) -> None:
    toml = '[payments]\nprovider = "paypal"\ncapture = "preauth"\n'
    payments = load(tmp_path, toml, KHAOS_SYNC_PAYMENTS_PAYPAL_CLIENT_ID="id")
    payments["paypal_secret"] = "secret"
    verdict = payment_verdict(payments, "https://shop.example.co.uk")
    assert not verdict.passed
    assert "Khaos takes no pre-authorised PayPal payments" in verdict.found


def test_check_passes_a_complete_provider(tmp_path: Path) -> None:
    toml = (
        '[payments]\nprovider = "sagepay"\nsagepay_vendor = "acme"\n'
        'sagepay_encryption_key = "0123456789abcdef"\n'
    )
    verdict = payment_verdict(load(tmp_path, toml), "https://shop.example.co.uk")
    assert verdict.passed, verdict.found
    assert verdict.configured == "Opayo, capture immediate"


def test_the_site_address_gives_the_providers_absolute_return_addresses() -> None:
    assert payment_host("https://shop.example.co.uk") == ("shop.example.co.uk", True)
    assert payment_host("http://127.0.0.1:8000") == ("127.0.0.1:8000", False)
    assert payment_host("") == (None, None)
