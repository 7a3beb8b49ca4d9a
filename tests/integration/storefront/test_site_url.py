"""``[shop] site_url``: the address every absolute link uses, and a warning when it is missing."""

from __future__ import annotations

import pytest
from django.contrib.sites.models import Site
from oscar.apps.communication.utils import Dispatcher

from khaos_sync.cli.check import warn_if_no_site_url
from khaos_sync.shop.site import absolute_url, sync_site
from khaos_sync.sync.core.golive import set_dry_run

pytestmark = pytest.mark.django_db


def test_the_site_follows_the_configured_address(settings):
    settings.KHAOS_SITE_URL = "https://shop.example.co.uk/"
    settings.OSCAR_URL_SCHEMA = "https"

    sync_site()

    site = Site.objects.get_current()
    assert site.domain == "shop.example.co.uk"
    assert site.name == settings.OSCAR_SHOP_NAME
    assert absolute_url("/basket/") == "https://shop.example.co.uk/basket/"


def test_email_links_use_the_configured_address(settings):
    settings.KHAOS_SITE_URL = "https://shop.example.co.uk"
    settings.OSCAR_URL_SCHEMA = "https"
    sync_site()
    context = {"alert": None, "reset_url": "/password-reset/abc/", "user": None}

    messages = Dispatcher().get_messages("PASSWORD_RESET", context)

    assert "https://shop.example.co.uk/password-reset/abc/" in messages["body"]
    assert "example.com" not in messages["body"].replace("shop.example.co.uk", "")


def test_check_warns_when_a_live_shop_has_no_address(settings, capsys):
    settings.KHAOS_SITE_URL = ""
    set_dry_run(False, by="test")

    warn_if_no_site_url()

    assert "[shop] site_url is not set" in capsys.readouterr().err


@pytest.mark.parametrize(("site_url", "dry_run"), [("", True), ("https://shop.example", False)])
def test_no_warning_in_dry_run_or_with_an_address(settings, capsys, site_url, dry_run):
    settings.KHAOS_SITE_URL = site_url
    set_dry_run(dry_run, by="test")

    warn_if_no_site_url()

    assert capsys.readouterr().err == ""
