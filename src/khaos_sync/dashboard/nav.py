"""The "Khaos" entry of Oscar's dashboard menu.

Oscar's default access check only knows Oscar's own dashboard apps, so these
entries carry their own, reading the same permission table as the pages
(:mod:`khaos_sync.dashboard.access`): an entry is shown to those who may open
it, and only once the page it points to is installed (each flow mounts its
pages when it is ready).
"""

from __future__ import annotations

from typing import Any


def may_open(user: Any, url_name: str | None, url_args: Any = None, url_kwargs: Any = None) -> bool:
    # Imported here: this module is read by the settings, before apps are loaded.
    from khaos_sync.dashboard import access

    return access.may_open(user, url_name, url_args, url_kwargs)


def may_open_on_cloud(
    user: Any, url_name: str | None, url_args: Any = None, url_kwargs: Any = None
) -> bool:
    """The channel page, in the menu only when Khaos Control Cloud is the transport."""
    from django.conf import settings

    on_cloud = settings.KHAOS_SYNC["khaos"].get("transport", "soap") == "cloud"
    return on_cloud and may_open(user, url_name, url_args, url_kwargs)


def entry(label: str, url_name: str, access: Any = may_open) -> dict[str, Any]:
    return {"label": label, "url_name": url_name, "access_fn": access}


KHAOS_NAVIGATION: dict[str, Any] = {
    "label": "Khaos",
    "icon": "fas fa-sync",
    "access_fn": may_open,
    "children": [
        entry("Overview", "khaos-dashboard:index"),
        entry("Sync runs", "khaos-dashboard:runs"),
        entry("Failed items", "khaos-dashboard:failures"),
        entry("Awaiting review", "khaos-catalogue:review"),
        entry("Upstream changes", "khaos-catalogue:changes"),
        entry("Order export", "khaos-orders:list"),
        entry("Image import", "khaos-images:index"),
        entry("Customer import", "khaos-customers:imports"),
        entry("Khaos Control Cloud", "khaos-cloud-dashboard:index", may_open_on_cloud),
    ],
}
