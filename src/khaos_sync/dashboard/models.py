"""Models of the Khaos dashboard section.

The operational state the section shows (the Khaos connection, the go-live
switch, the worker's schedule) lives in :mod:`khaos_sync.sync.core.models`,
beside the run log, because the sync itself reads and writes it.
"""

from __future__ import annotations

from django.db import models


class KhaosSection(models.Model):
    """Holds the permissions of the Khaos dashboard section; it has no table.

    Django attaches permissions to models, and these belong to no model of
    their own: who may look, who may act, who may switch Khaos writes on.
    """

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [
            ("view_khaos", "Can view the Khaos section (runs, failed items, exports)"),
            ("operate_khaos", "Can retry failed items and run flows now"),
            ("go_live", "Can switch writes to Khaos on or off"),
            ("import_customers", "Can import customers and read their reports"),
            ("import_images", "Can upload and import product images"),
        ]
        verbose_name = "Khaos section"
