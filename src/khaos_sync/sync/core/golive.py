"""The go-live switch: in dry-run mode nothing is written to Khaos.

The switch lives in the database so that the dashboard can flip it for every
web process and worker at once; until someone flips it, ``[worker] dry_run``
from the configuration applies. Everything that writes to Khaos (the order
export's ImportOrders) asks :func:`writes_allowed` first.
"""

from __future__ import annotations

import logging

from django.conf import settings

log = logging.getLogger(__name__)


def writes_allowed() -> bool:
    """False while the shop runs in dry-run mode."""
    return not dry_run()


def dry_run() -> bool:
    from khaos_sync.sync.core.models import GoLive

    row = GoLive.objects.filter(pk=1).first()
    if row is None:
        return bool(settings.KHAOS_SYNC["worker"]["dry_run"])
    return row.dry_run


def set_dry_run(on: bool, *, by: str) -> None:
    from khaos_sync.sync.core.models import GoLive

    GoLive.objects.update_or_create(pk=1, defaults={"dry_run": on, "changed_by": by})
    log.warning("go-live switch changed", extra={"dry_run": on, "changed_by": by})
