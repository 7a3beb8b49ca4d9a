"""Links to pages other flows provide, shown only once those pages exist."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse


@dataclass(frozen=True)
class Link:
    label: str
    url: str


# (label, URL name): pages mounted under /dashboard/khaos/<flow>/ by each flow.
FLOW_PAGES = [
    ("Awaiting review", "khaos-catalogue:review"),
    ("Upstream changes", "khaos-catalogue:changes"),
    ("Held orders", "khaos-orders:held"),
    ("Order export and held orders", "khaos-orders:list"),
    ("Stock levels", "khaos-stock:index"),
    ("Order status", "khaos-status:index"),
    ("Customer import", "khaos-customers:index"),
    ("Images", "khaos-images:index"),
]


def installed_pages() -> list[Link]:
    links = []
    for label, name in FLOW_PAGES:
        try:
            links.append(Link(label, reverse(name)))
        except NoReverseMatch:
            continue  # that flow has not mounted this page (yet)
    return links
