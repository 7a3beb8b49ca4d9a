"""The "Khaos" entry of Oscar's dashboard menu.

Oscar's default access check only knows Oscar's own dashboard apps, so these
entries carry their own: staff only, and hidden while the page they point to
is not installed (each flow mounts its pages when it is ready).
"""

from __future__ import annotations

from typing import Any

from django.urls import NoReverseMatch, reverse


def staff_and_installed(
    user: Any, url_name: str | None, url_args: Any = None, url_kwargs: Any = None
) -> bool:
    if not (user.is_authenticated and user.is_staff):
        return False
    if url_name is None:
        return True
    try:
        reverse(url_name, args=url_args, kwargs=url_kwargs)
    except NoReverseMatch:
        return False
    return True


def entry(label: str, url_name: str) -> dict[str, Any]:
    return {"label": label, "url_name": url_name, "access_fn": staff_and_installed}


KHAOS_NAVIGATION: dict[str, Any] = {
    "label": "Khaos",
    "icon": "fas fa-sync",
    "access_fn": staff_and_installed,
    "children": [
        entry("Overview", "khaos-dashboard:index"),
        entry("Sync runs", "khaos-dashboard:runs"),
        entry("Failed items", "khaos-dashboard:failures"),
        entry("Awaiting review", "khaos-catalogue:review"),
        entry("Upstream changes", "khaos-catalogue:changes"),
        entry("Order export", "khaos-orders:list"),
        entry("Image import", "khaos-images:index"),
        entry("Customer import", "khaos-customers:imports"),
    ],
}
