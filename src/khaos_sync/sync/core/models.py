"""Run log, failed items, cursors, flow locks and the operational state shared by every flow.

The operational state (the Khaos connection, the go-live switch and the
worker's schedule) is kept in the database rather than in memory so that the
web processes, any number of workers and the command line all see the same
values, and so that they survive a restart. Its tables keep the names they were
created with (``khaos_dashboard_*``).
"""

from __future__ import annotations

from django.db import models

from khaos_sync.sync.core.registry import FLOWS


class Flow:
    """Names of the built-in flows, for the code that refers to them.

    The flows themselves are declared by their FlowSpec
    (:mod:`khaos_sync.sync.core.registry`); the ``flow`` columns take any name,
    so a new flow needs no entry here and no migration.
    """

    CATALOGUE = "catalogue"
    STOCK = "stock"
    ORDERS = "orders"
    STATUS = "status"
    CUSTOMERS = "customers"
    IMAGES = "images"


def flow_label(name: str) -> str:
    """The registered flow's label; the bare name for a flow no longer installed."""
    spec = FLOWS.get(name)
    return spec.label if spec else name


class SyncRun(models.Model):
    """One execution of a flow, with what it did."""

    class Outcome(models.TextChoices):
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        PARTIAL = "partial", "Succeeded with failed items"
        FAILED = "failed", "Failed"
        INTERRUPTED = "interrupted", "Interrupted (the process died)"

    flow = models.CharField(max_length=20, db_index=True)
    started_at = models.DateTimeField(db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=12, choices=Outcome.choices, default=Outcome.RUNNING)
    # host:pid of the process running it, to close the run if that process dies.
    holder = models.CharField(max_length=255, blank=True)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    khaos_calls = models.PositiveIntegerField(default=0)
    summary = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.flow} run {self.pk} ({self.outcome})"

    @property
    def flow_label(self) -> str:
        return flow_label(self.flow)

    @property
    def succeeded(self) -> bool:
        """True only for a run that finished with nothing failed (a command exits 0)."""
        return self.outcome == self.Outcome.SUCCEEDED and not self.failed

    @property
    def duration(self) -> float | None:
        if self.finished_at is None:
            return None
        return (self.finished_at - self.started_at).total_seconds()


class FailedItem(models.Model):
    """One item a flow could not process: its raw payload and traceback, for replay."""

    class State(models.TextChoices):
        OPEN = "open", "Open"
        RETRYING = "retrying", "Queued for retry"
        RESOLVED = "resolved", "Resolved"

    run = models.ForeignKey(SyncRun, null=True, on_delete=models.SET_NULL, related_name="failures")
    flow = models.CharField(max_length=20, db_index=True)
    key = models.CharField(max_length=255, db_index=True, help_text="Khaos id or shop reference")
    payload = models.TextField(blank=True, help_text="The raw item as received or sent")
    error = models.TextField()
    traceback = models.TextField(blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    attempts = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at"]
        indexes = [models.Index(fields=["flow", "state"])]

    def __str__(self) -> str:
        return f"{self.flow} {self.key}: {self.error[:60]}"

    @property
    def flow_label(self) -> str:
        return flow_label(self.flow)


class Cursor(models.Model):
    """Where a flow's "changed since" window starts next time."""

    name = models.CharField(max_length=50, unique=True)
    value = models.DateTimeField()
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.name} = {self.value.isoformat()}"


class FlowLock(models.Model):
    """A lease that keeps a flow from running twice at once, across machines."""

    name = models.CharField(max_length=50, unique=True)
    holder = models.CharField(max_length=255, blank=True)
    expires_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} held by {self.holder or 'nobody'} until {self.expires_at}"


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
        db_table = "khaos_dashboard_khaosconnection"
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
        db_table = "khaos_dashboard_golive"
        verbose_name = "go-live switch"

    def __str__(self) -> str:
        return "dry run" if self.dry_run else "live"


class FlowSchedule(models.Model):
    """When a flow is next due; workers claim a due slot with a conditional update."""

    flow = models.CharField(max_length=50, unique=True)
    next_due_at = models.DateTimeField()
    claimed_by = models.CharField(max_length=255, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "khaos_dashboard_flowschedule"

    def __str__(self) -> str:
        return f"{self.flow} due {self.next_due_at.isoformat()}"
