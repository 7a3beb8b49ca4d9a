"""Khaos stock sites: which of them feed the web, and their partners in Oscar.

Each site keeps its own stock record (one partner per site) so the dashboard
shows where the stock is and Oscar allocates from a real site; the pricing
strategy sums the sites the retailer chose for the web.

Khaos's site list is kept in a table (``KhaosSite``), written by each pull
that asks Khaos for it. ``web_sites`` is the one place that decides which
sites feed the web — the configured ``khaos.stock_sites``, or else Khaos's
current site — for the catalogue and stock pulls and for the checkout's live
check, which must not spend a call of its own on the site list.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from oscar.core.loading import get_model

from khaos_sync.mappers.stock import Site
from khaos_sync.protocol.results import SiteList
from khaos_sync.sync.stock.models import KhaosSite

Partner = get_model("partner", "Partner")
SITE_PARTNER_PREFIX = "khaos-site-"


@dataclass(frozen=True)
class WebSites:
    """Khaos's sites (in its order), the ones that feed the web, and the default site."""

    sites: list[Site]
    chosen: list[int]
    default: int


def partner_code(site_id: int) -> str:
    return f"{SITE_PARTNER_PREFIX}{site_id}"


def remember_sites(listing: SiteList, now: datetime) -> None:
    """Keep Khaos's site list as it answered now, in place of the last one."""
    rows: dict[int, KhaosSite] = {}
    for position, site in enumerate(listing.sites):
        rows.setdefault(
            site.site_id,
            KhaosSite(site_id=site.site_id, name=site.site_name, position=position, seen_at=now),
        )
    current = listing.current_site_id
    if current:
        if current not in rows:
            rows[current] = KhaosSite(
                site_id=current, listed=False, position=len(rows), seen_at=now
            )
        rows[current].is_current = True
    with transaction.atomic():
        KhaosSite.objects.exclude(site_id__in=rows).delete()
        KhaosSite.objects.bulk_create(
            rows.values(),
            update_conflicts=True,
            unique_fields=["site_id"],
            update_fields=["name", "is_current", "listed", "position", "seen_at"],
        )


def web_sites() -> WebSites:
    """The sites that feed the web, by Khaos's last site list and the configuration."""
    configured = [int(site) for site in settings.KHAOS_SYNC["khaos"]["stock_sites"]]
    known = list(KhaosSite.objects.all())
    if not known:
        return unlisted_sites(configured)
    sites = [Site(row.site_id, row.name) for row in known if row.listed]
    current = next((row.site_id for row in known if row.is_current), None)
    default = current or (sites[0].site_id if sites else 1)
    return WebSites(sites, configured or [default], default)


def unlisted_sites(configured: list[int]) -> WebSites:
    """Before any pull kept Khaos's list: the site partners the shop already has."""
    partners = Partner.objects.filter(code__startswith=SITE_PARTNER_PREFIX).order_by("pk")
    sites = [Site(int(p.code.rsplit("-", 1)[1]), p.name) for p in partners]
    chosen = configured or [site.site_id for site in sites] or [1]
    return WebSites(sites, chosen, chosen[0])


def web_partners() -> list[Any]:
    """Partners of the sites that feed the web, created on first use."""
    resolved = web_sites()
    names = {site.site_id: site.name for site in resolved.sites}
    return [site_partner(site_id, names.get(site_id, "")) for site_id in resolved.chosen]


def site_partner(site_id: int, name: str) -> Any:
    partner, created = Partner.objects.get_or_create(
        code=partner_code(site_id), defaults={"name": name or f"Khaos site {site_id}"}
    )
    if name and not created and partner.name != name:
        partner.name = name
        partner.save(update_fields=["name"])
    return partner
