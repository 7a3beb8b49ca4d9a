"""Each flow declared once: what it offers the worker, the dashboard and the menu.

Flows register a :class:`FlowSpec` in their AppConfig.ready(). From it come the
worker's schedule (``interval``, ``order``), the dashboard pages mounted under
``/dashboard/khaos/<name>/`` with their permissions, the entries of the Khaos
menu and the flow choices of the dashboard's filters. See docs/adding-a-flow.md.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from khaos_sync.sync.core.permissions import VIEW

UNITS = {"_minutes": 60, "_seconds": 1, "_hours": 3600}


@dataclass(frozen=True)
class FlowSpec:
    name: str
    label: str
    run_once: Callable[[], Any]
    # "section.key" of the setting that spaces scheduled runs; its suffix gives the unit.
    interval_key: str = ""
    # A fixed interval, for a flow without a setting; None: run on demand only.
    every: timedelta | None = None
    retry: Callable[[Any], None] | None = None  # called with a FailedItem
    order: int = 100  # the worker runs due flows lowest first (products before their stock)
    urls: str = ""  # urls module mounted at /dashboard/khaos/<name>/, app_name "khaos-<name>"
    navigation: tuple[tuple[str, str], ...] = ()  # (menu label, URL name) entries
    view_permission: str = VIEW  # needed by every page of the flow...
    permissions: Mapping[str, str] = field(default_factory=dict)  # ...unless named here

    @property
    def interval(self) -> timedelta | None:
        """Time between scheduled runs, read from the settings each time it is asked."""
        if not self.interval_key:
            return self.every
        return interval_from_settings(self.interval_key)

    @property
    def namespace(self) -> str:
        return f"khaos-{self.name}"


def interval_from_settings(dotted: str) -> timedelta:
    from django.conf import settings

    section, key = dotted.split(".", 1)
    unit = next((seconds for suffix, seconds in UNITS.items() if key.endswith(suffix)), None)
    if unit is None:
        raise ValueError(f"{dotted}: an interval key ends in {', '.join(UNITS)}")
    return timedelta(seconds=settings.KHAOS_SYNC[section][key] * unit)


FLOWS: dict[str, FlowSpec] = {}


def register_flow(spec: FlowSpec) -> None:
    FLOWS[spec.name] = spec


def flow(name: str) -> FlowSpec:
    try:
        return FLOWS[name]
    except KeyError:
        raise KeyError(f"unknown flow {name!r}; known: {', '.join(sorted(FLOWS))}") from None


def run_order(name: str) -> tuple[int, str]:
    spec = FLOWS.get(name)
    return (spec.order if spec else FlowSpec.order), name


def ordered_flows() -> list[FlowSpec]:
    """Registered flows in run order."""
    return [FLOWS[name] for name in sorted(FLOWS, key=run_order)]


def flow_choices() -> list[tuple[str, str]]:
    """(name, label) of every registered flow, for filters and forms."""
    return [(spec.name, spec.label) for spec in ordered_flows()]
