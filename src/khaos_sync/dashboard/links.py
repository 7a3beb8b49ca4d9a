"""Links to pages other flows provide, shown once those pages exist and to those allowed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse

from khaos_sync.dashboard.access import may_open


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


def installed_pages(user: Any) -> list[Link]:
    return [Link(label, reverse(name)) for label, name in FLOW_PAGES if may_open(user, name)]
