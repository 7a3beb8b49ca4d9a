"""The shop's public address, ``[shop] site_url``, for every absolute link.

E-mails are sent by the worker as well as by web requests, so links cannot be
built from a request's host. Oscar's e-mails build them from Django's Site
(domain) and ``OSCAR_URL_SCHEMA``; both follow ``site_url``. Anything else that
needs an absolute link (feeds, a payment provider's return address) uses
:func:`absolute_url`.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings

log = logging.getLogger(__name__)


def site_url() -> str:
    """``https://shop.example.co.uk`` (no trailing slash), or "" when not configured."""
    return str(settings.KHAOS_SITE_URL).rstrip("/")


def absolute_url(path: str) -> str:
    """``path`` on the shop's public address; the path alone when none is configured."""
    return f"{site_url()}{path}" if path.startswith("/") else f"{site_url()}/{path}"


def sync_site(**_kwargs: Any) -> None:
    """Set Django's Site (domain and name) from the configuration; run after migrations."""
    from django.contrib.sites.models import Site

    url = site_url()
    if not url:
        return
    domain = urlsplit(url).netloc
    name = settings.OSCAR_SHOP_NAME
    site, created = Site.objects.get_or_create(
        pk=settings.SITE_ID, defaults={"domain": domain, "name": name}
    )
    if not created and (site.domain, site.name) != (domain, name):
        site.domain, site.name = domain, name
        site.save(update_fields=["domain", "name"])
        log.info("site address set", extra={"domain": domain})
    Site.objects.clear_cache()
