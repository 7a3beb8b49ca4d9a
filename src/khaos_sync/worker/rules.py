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
    khaos, worker = values["khaos"], values["worker"]
    problems = []
    if not khaos["url"]:
        problems.append(
            "khaos.url is empty: the worker has no Khaos system to talk to "
            "(set [khaos] url or KHAOS_SYNC_KHAOS_URL)"
        )
    if worker["orders_seconds"] >= worker["status_minutes"] * 60:
        problems.append(
            f"worker.orders_seconds ({worker['orders_seconds']}) must be shorter than "
            f"worker.status_minutes ({worker['status_minutes']} min): the status pull would "
            "look for orders that were not sent yet"
        )
    if worker["stock_minutes"] > worker["catalogue_minutes"] * 24:
        problems.append(
            f"worker.stock_minutes ({worker['stock_minutes']}) is more than a day of catalogue "
            f"pulls (worker.catalogue_minutes {worker['catalogue_minutes']}): stock levels would "
            "lag far behind the products they belong to"
        )
    return problems
