"""Rules between settings that the per-key parsers of the configuration cannot see.

Each problem is one sentence naming the keys involved; the worker refuses to
start while there are any. Whether the configured values exist in Khaos (sites,
sales source…) needs Khaos itself and is ``khaos-sync check``'s job. Rules that
hold for every process (the metrics token, the secret key) are checked when
the configuration is loaded (:func:`khaos_sync.config.check_rules`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def worker_problems(values: Mapping[str, Mapping[str, Any]]) -> list[str]:
    khaos = values["khaos"]
    problems = []
    if not khaos["url"]:
        problems.append(
            "khaos.url is empty: the worker has no Khaos system to talk to "
            "(set [khaos] url or KHAOS_SYNC_KHAOS_URL)"
        )
    poll, status = values["orders"]["poll_seconds"], values["status"]["interval_minutes"]
    if poll >= status * 60:
        problems.append(
            f"orders.poll_seconds ({poll:g}) must be shorter than "
            f"status.interval_minutes ({status} min): the status pull would "
            "look for orders that were not sent yet"
        )
    stock, catalogue = values["stock"]["interval_minutes"], values["catalogue"]["interval_minutes"]
    if stock > catalogue * 24:
        problems.append(
            f"stock.interval_minutes ({stock}) is more than a day of catalogue "
            f"pulls (catalogue.interval_minutes {catalogue}): stock levels would "
            "lag far behind the products they belong to"
        )
    return problems
