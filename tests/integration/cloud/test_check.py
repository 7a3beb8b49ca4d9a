"""``khaos-sync check`` on the cloud transport says what to enter in Khaos Control Cloud."""

from __future__ import annotations

from typing import Any

from click.testing import CliRunner

from khaos_sync.cli.check import check

from .conftest import PASSWORD, USERNAME


def run_check() -> Any:
    return CliRunner().invoke(check, [], catch_exceptions=False)


def test_says_the_configuration_url_and_user_name_never_the_password(
    cloud_settings: Any, settings: Any, db: None
) -> None:
    settings.KHAOS_SITE_URL = "https://shop.example.co.uk"
    result = run_check()
    assert result.exit_code == 0, result.output
    assert (
        "Configuration URL: https://shop.example.co.uk/khaos-cloud/channel-config.json"
        in result.output
    )
    assert f"User name:         {USERNAME}" in result.output
    assert PASSWORD not in result.output
    # No KhaosWS to call on this transport: nothing of the SOAP checks runs.
    assert "GetVersion" not in result.output


def test_the_url_follows_the_channel_format(cloud_settings: Any, settings: Any, db: None) -> None:
    settings.KHAOS_SITE_URL = "https://shop.example.co.uk/"
    cloud_settings["cloud"]["format"] = "XML"
    result = run_check()
    assert "https://shop.example.co.uk/khaos-cloud/channel-config.xml" in result.output


def test_no_public_address_or_plain_http_fails_and_says_why(
    cloud_settings: Any, settings: Any, db: None
) -> None:
    settings.KHAOS_SITE_URL = ""
    result = run_check()
    assert result.exit_code == 1
    assert "set [shop] site_url" in result.output
    assert "https://<your shop>/khaos-cloud/channel-config.json" in result.output
    settings.KHAOS_SITE_URL = "http://shop.example.co.uk"
    result = run_check()
    assert result.exit_code == 1
    assert "not HTTPS" in result.output


def test_missing_credentials_fail(cloud_settings: Any, settings: Any, db: None) -> None:
    settings.KHAOS_SITE_URL = "https://shop.example.co.uk"
    cloud_settings["cloud"]["password"] = ""
    result = run_check()
    assert result.exit_code == 1
    assert "set username and password" in result.output
