"""Operational state shared by every process: the Khaos connection, the go-live
switch and the worker's schedule.

Kept in the database rather than in memory so that the web processes, any
number of workers and the command line all see the same values, and so that
they survive a restart.
"""

from __future__ import annotations

from django.db import models


class KhaosConnection(models.Model):
    """The latest Khaos call seen by any process (a single row)."""

    last_call_at = models.DateTimeField(null=True, blank=True)
    last_operation = models.CharField(max_length=60, blank=True)
    last_outcome = models.CharField(max_length=20, blank=True)
    last_seconds = models.FloatField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_success_operation = models.CharField(max_length=60, blank=True)
    last_failure_at = models.DateTimeField(null=True, blank=True)
    last_failure_operation = models.CharField(max_length=60, blank=True)
    last_failure_outcome = models.CharField(max_length=20, blank=True)

    class Meta:
        verbose_name = "Khaos connection"

    def __str__(self) -> str:
        return f"last Khaos call {self.last_operation} {self.last_outcome} at {self.last_call_at}"

    @property
    def answering(self) -> bool | None:
        """None before the first call; else whether the latest call went through."""
        if self.last_call_at is None:
            return None
        return self.last_outcome == "ok"


class GoLive(models.Model):
    """The go-live switch (a single row); absent means "as configured"."""

    dry_run = models.BooleanField()
    changed_at = models.DateTimeField(auto_now=True)
    changed_by = models.CharField(max_length=255, blank=True)

    class Meta:
        verbose_name = "go-live switch"

    def __str__(self) -> str:
        return "dry run" if self.dry_run else "live"


class FlowSchedule(models.Model):
    """When a flow is next due; workers claim a due slot with a conditional update."""

    flow = models.CharField(max_length=50, unique=True)
    next_due_at = models.DateTimeField()
    claimed_by = models.CharField(max_length=255, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.flow} due {self.next_due_at.isoformat()}"


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
