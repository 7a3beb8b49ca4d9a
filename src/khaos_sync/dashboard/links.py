"""Links to pages other flows provide, shown once those pages exist and to those allowed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse

from khaos_sync.dashboard.access import may_open, mounted_flows


@dataclass(frozen=True)
class Link:
    label: str
    url: str


def installed_pages(user: Any) -> list[Link]:
    """Each flow's menu entries (its FlowSpec.navigation) the user may open."""
    return [
        Link(label, reverse(name))
        for spec in mounted_flows()
        for label, name in spec.navigation
        if may_open(user, name)
    ]
