"""What each flow offers the worker and the dashboard.

Flows register themselves in their AppConfig.ready(); the worker schedules
``run_once`` every ``interval`` and the dashboard's retry buttons call
``retry`` for a failed item of that flow.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any


@dataclass(frozen=True)
class FlowSpec:
    name: str
    label: str
    run_once: Callable[[], Any]
    interval: timedelta | None  # None: not scheduled (run on demand only)
    retry: Callable[[Any], None] | None = None  # called with a FailedItem


FLOWS: dict[str, FlowSpec] = {}


def register_flow(spec: FlowSpec) -> None:
    FLOWS[spec.name] = spec


def flow(name: str) -> FlowSpec:
    try:
        return FLOWS[name]
    except KeyError:
        raise KeyError(f"unknown flow {name!r}; known: {', '.join(sorted(FLOWS))}") from None
