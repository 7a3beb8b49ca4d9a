"""The "Khaos" entry of Oscar's dashboard menu.

Oscar's default access check only knows Oscar's own dashboard apps, so these
entries carry their own, reading the same permission table as the pages
(:mod:`khaos_sync.dashboard.access`): an entry is shown to those who may open
it, and only once the page it points to is installed.

The settings read this module before any app is loaded, while the flows
declare their entries when they are ready (FlowSpec.navigation); Oscar builds
the menu on each request, so the entries are listed at that moment.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, overload


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


DASHBOARD_ENTRIES = [
    entry("Overview", "khaos-dashboard:index"),
    entry("Sync runs", "khaos-dashboard:runs"),
    entry("Failed items", "khaos-dashboard:failures"),
]


CLOUD_ENTRY = entry("Khaos Control Cloud", "khaos-cloud-dashboard:index", may_open_on_cloud)


class KhaosEntries(Sequence[dict[str, Any]]):
    """The dashboard's own entries, then those of each flow whose pages are mounted."""

    def entries(self) -> list[dict[str, Any]]:
        from khaos_sync.dashboard.access import mounted_flows

        flows = [entry(label, name) for spec in mounted_flows() for label, name in spec.navigation]
        return [*DASHBOARD_ENTRIES, *flows, CLOUD_ENTRY]

    @overload
    def __getitem__(self, index: int) -> dict[str, Any]: ...
    @overload
    def __getitem__(self, index: slice) -> list[dict[str, Any]]: ...
    def __getitem__(self, index: int | slice) -> dict[str, Any] | list[dict[str, Any]]:
        return self.entries()[index]

    def __len__(self) -> int:
        return len(self.entries())

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(self.entries())


KHAOS_NAVIGATION: dict[str, Any] = {
    "label": "Khaos",
    "icon": "fas fa-sync",
    "access_fn": may_open,
    "children": KhaosEntries(),
}
