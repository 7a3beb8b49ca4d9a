"""Run-time settings of the simulated system, kept in the store so they survive restarts."""

from __future__ import annotations

from dataclasses import dataclass, fields
from decimal import Decimal

from khaos_sync.simulator import reference
from khaos_sync.simulator.store import Store

PREFIX = "setting."


@dataclass
class Settings:
    # Refuse an order whose ORDER_AMOUNT differs from Khaos's own total.
    check_order_amount: bool = True
    # What "blank delivery" costs (Khaos would calculate it from its delivery rules).
    default_delivery_gross: Decimal = reference.DEFAULT_DELIVERY_GROSS
    # The web site name of ExportWebCategories when none is given.
    website_name: str = reference.WEBSITE_NAME
    # What GetVersion answers (empty: the simulator's own version).
    version: str = ""


def load_settings(store: Store) -> Settings:
    settings = Settings()
    for f in fields(Settings):
        raw = store.get_meta(PREFIX + f.name)
        if raw:
            setattr(settings, f.name, _parse(f.name, raw))
    return settings


def update_settings(store: Store, **changes: object) -> Settings:
    known = {f.name for f in fields(Settings)}
    unknown = set(changes) - known
    if unknown:
        raise ValueError(f"unknown setting(s) {sorted(unknown)}; known: {sorted(known)}")
    with store.write():
        for name, value in changes.items():
            store.set_meta(PREFIX + name, _format(value))
    return load_settings(store)


def _parse(name: str, raw: str) -> object:
    default = getattr(Settings(), name)
    if isinstance(default, bool):
        return raw.lower() in {"1", "true", "-1", "yes", "on"}
    if isinstance(default, Decimal):
        return Decimal(raw)
    return raw


def _format(value: object) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)
