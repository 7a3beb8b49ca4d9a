"""Khaos stock sites as Oscar partners: one partner (and stock record) per site.

Each site keeps its own stock record so the dashboard shows where the stock
is and Oscar allocates from a real site; the pricing strategy sums the sites
the retailer chose for the web.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from oscar.core.loading import get_model

from khaos_sync.protocol.results import SiteList

Partner = get_model("partner", "Partner")


def partner_code(site_id: int) -> str:
    return f"khaos-site-{site_id}"


def web_partners(sites: SiteList | None) -> list[Any]:
    """Partners for the configured stock sites (or Khaos's current site).

    ``sites`` is Khaos's site list, when the caller has asked for it.
    """
    wanted: list[int] = list(settings.KHAOS_SYNC["khaos"]["stock_sites"])
    names: dict[int, str] = {}
    if sites is not None:
        names = {site.site_id: site.site_name for site in sites.sites}
        if not wanted:
            fallback = sites.sites[0].site_id if sites.sites else 1
            wanted = [sites.current_site_id or fallback]
    if not wanted:
        existing = list(Partner.objects.filter(code__startswith="khaos-site-").order_by("pk"))
        return existing or [site_partner(1, "")]
    return [site_partner(site_id, names.get(site_id, "")) for site_id in wanted]


def site_partner(site_id: int, name: str) -> Any:
    partner, created = Partner.objects.get_or_create(
        code=partner_code(site_id), defaults={"name": name or f"Khaos site {site_id}"}
    )
    if name and not created and partner.name != name:
        partner.name = name
        partner.save(update_fields=["name"])
    return partner
