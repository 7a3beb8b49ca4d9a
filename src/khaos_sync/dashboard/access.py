"""Who may open which page of the Khaos section, checked the way Oscar's dashboard does.

Oscar's dashboard apps declare ``default_permissions`` and a ``permissions_map``
(URL name -> permissions) and wrap every URL pattern in
:func:`oscar.views.decorators.permissions_required`; its menu asks the same
table whether to show an entry. The Khaos pages come from several apps mounted
under ``/dashboard/khaos/``, so the table is kept here, one :class:`Section`
per URL namespace, and :func:`protected` applies it when the URLs are mounted.
The dashboard's own pages are listed here; each flow's come from its
:class:`~khaos_sync.sync.core.registry.FlowSpec`.

Permissions: the Khaos ones live on :class:`~khaos_sync.dashboard.models.KhaosSection`;
every page also needs staff status, as the rest of the dashboard does. A logged-in
account without them gets 403, an anonymous visitor the dashboard login.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib import import_module
from typing import Any, ClassVar

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ImproperlyConfigured
from django.urls import (
    NoReverseMatch,
    URLPattern,
    URLResolver,
    get_resolver,
    resolve,
    reverse,
    reverse_lazy,
)
from oscar.views.decorators import check_permissions, permissions_required

from khaos_sync.sync.core.permissions import (  # re-exported: the names pages are checked by
    GO_LIVE,
    IMPORT_CUSTOMERS,
    IMPORT_IMAGES,
    OPERATE,
    VIEW,
)
from khaos_sync.sync.core.registry import FLOWS, FlowSpec

__all__ = [
    "GO_LIVE",
    "IMPORT_CUSTOMERS",
    "IMPORT_IMAGES",
    "OPERATE",
    "VIEW",
    "may_open",
    "protected",
]

OPERATOR_GROUP = "Khaos operator"
# Going live starts writing to the back office: left to whoever runs the shop.
OPERATOR_PERMISSIONS = [VIEW, OPERATE, IMPORT_CUSTOMERS, IMPORT_IMAGES]


def staff_with(*permissions: str) -> list[str]:
    return ["is_staff", *permissions]


@dataclass
class Section:
    """Oscar's dashboard app-config permission interface, for one URL namespace."""

    default_permissions: list[str] = field(default_factory=lambda: staff_with(VIEW))
    permissions_map: dict[str, list[str]] = field(default_factory=dict)
    login_url: ClassVar[Any] = reverse_lazy("dashboard:login")

    def get_permissions(self, url_name: str | None) -> list[str]:
        return self.permissions_map.get(url_name or "", self.default_permissions)

    def get_url_decorator(self, pattern: URLPattern) -> Callable[..., Any]:
        decorator: Callable[..., Any] = permissions_required(
            self.get_permissions(pattern.name), login_url=self.login_url
        )
        return decorator

    def post_process_urls(self, urlpatterns: Sequence[URLPattern | URLResolver]) -> None:
        for pattern in urlpatterns:
            if isinstance(pattern, URLResolver):
                self.post_process_urls(pattern.url_patterns)
            elif not getattr(pattern.callback, "khaos_protected", False):
                pattern.callback = self.get_url_decorator(pattern)(pattern.callback)
                pattern.callback.khaos_protected = True  # type: ignore[attr-defined]


DASHBOARD = Section(
    permissions_map={
        "failure-retry": staff_with(OPERATE),
        "failures-retry": staff_with(OPERATE),
        "ping": staff_with(OPERATE),
        "run-now": staff_with(OPERATE),
        "golive": staff_with(GO_LIVE),
    }
)
# The channel page: calls, refused pushes and unconfirmed orders, to read only.
CLOUD_PAGE = Section()
DEFAULT_SECTION = Section()


def flow_section(spec: FlowSpec) -> Section:
    return Section(
        default_permissions=staff_with(spec.view_permission),
        permissions_map={name: staff_with(perm) for name, perm in spec.permissions.items()},
    )


def sections() -> dict[str, Section]:
    """Permission table of every Khaos URL namespace: the dashboard's and each flow's."""
    return {"khaos-dashboard": DASHBOARD, "khaos-cloud-dashboard": CLOUD_PAGE} | {
        spec.namespace: flow_section(spec) for spec in FLOWS.values() if spec.urls
    }


# The table each namespace was mounted with: the menu asks the same one the pages apply.
MOUNTED: dict[str, Section] = {}


def section(namespace: str) -> Section:
    return MOUNTED.get(namespace) or sections().get(namespace, DEFAULT_SECTION)


def protected(urlconf: str) -> tuple[list[URLPattern | URLResolver], str]:
    """``include()`` argument for a Khaos urls module, every pattern behind its permissions."""
    module = import_module(urlconf)
    known = sections()
    if module.app_name not in known:
        # Mounted without its table, a page would be open to anyone with the view permission.
        raise ImproperlyConfigured(
            f"{urlconf}: app_name {module.app_name!r} is no Khaos section; "
            f"a flow's pages use 'khaos-<flow name>' ({', '.join(sorted(known))})"
        )
    MOUNTED[module.app_name] = known[module.app_name]
    MOUNTED[module.app_name].post_process_urls(module.urlpatterns)
    return module.urlpatterns, module.app_name


# Flows whose pages are mounted, in the order mounted: the menu lists these.
MOUNTED_FLOWS: list[FlowSpec] = []


def protected_flow(spec: FlowSpec) -> tuple[list[URLPattern | URLResolver], str]:
    """``include()`` argument for a flow's pages (FlowSpec.urls), remembered for the menu."""
    included = protected(spec.urls)
    if spec not in MOUNTED_FLOWS:
        MOUNTED_FLOWS.append(spec)
    return included


def mounted_flows() -> list[FlowSpec]:
    get_resolver().url_patterns  # noqa: B018  the URLs mount the flows' pages on first use
    return list(MOUNTED_FLOWS)


def may_open(user: Any, url_name: str | None, url_args: Any = None, url_kwargs: Any = None) -> bool:
    """Menu access check: the page exists and the user holds its permissions."""
    if url_name is None:
        return True  # a heading; Oscar drops it when no entry below is shown
    try:
        match = resolve(reverse(url_name, args=url_args, kwargs=url_kwargs))
    except NoReverseMatch:
        return False  # that flow has not mounted this page
    return bool(check_permissions(user, section(match.namespace).get_permissions(match.url_name)))


def ensure_operator_group() -> bool:
    """Create the "Khaos operator" group with its permissions; True when it was new."""
    group, created = Group.objects.get_or_create(name=OPERATOR_GROUP)
    codenames = [name.split(".", 1)[1] for name in OPERATOR_PERMISSIONS]
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="khaos_dashboard", codename__in=codenames
        )
    )
    return created
