"""The order outbox: one row per shop order, written in the order's own transaction."""

from __future__ import annotations

from django.db import models


class OrderExport(models.Model):
    """Where a shop order stands on its way into Khaos Control."""

    class HoldKind(models.TextChoices):
        REFUSED = "refused", "Refused by Khaos"
        FAULTS = "faults", "Khaos faults, retries used up"
        DATA = "data", "Cannot be sent as it is"
        UNREACHABLE = "unreachable", "Khaos unreachable"

    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Sending"
        IMPORTED = "imported", "Imported"
        HELD = "held", "Held"
        NOT_FOR_KHAOS = "not_for_khaos", "Not for Khaos"
        FAILED = "failed", "Failed"

    order = models.OneToOneField(
        "order.Order", on_delete=models.CASCADE, related_name="khaos_export"
    )
    # The order number is the ASSOCIATED_REF Khaos knows the order by.
    order_number = models.CharField(max_length=128, db_index=True)
    state = models.CharField(max_length=20, choices=State.choices, default=State.QUEUED)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    lease_until = models.DateTimeField(null=True, blank=True)
    lease_holder = models.CharField(max_length=255, blank=True)
    # The last send ended without an answer: ask Khaos before sending again.
    needs_reconcile = models.BooleanField(default=False)
    last_error = models.TextField(blank=True)
    khaos_order_code = models.CharField(max_length=32, blank=True)
    urn = models.CharField(max_length=32, blank=True)
    skipped_lines = models.JSONField(default=list, blank=True)
    # What Khaos said: the Msg of the import, or its skip reason / fault.
    khaos_message = models.TextField(blank=True)
    # Why a held order is held: a refusal a person must fix, or repeated faults.
    # Orders held by earlier versions because Khaos was unreachable are released
    # automatically when Khaos answers again.
    hold_kind = models.CharField(max_length=20, blank=True)
    # Since when Khaos has not been reachable for this order (never counts as an attempt).
    unreachable_since = models.DateTimeField(null=True, blank=True)
    # The order's total as Khaos reports it after import, against what was sent.
    khaos_total = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    sent_total = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    imported_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="khaos_export_due")]

    def __str__(self) -> str:
        return f"order {self.order_number}: {self.state}"

    @property
    def totals_differ(self) -> bool:
        return (
            self.khaos_total is not None
            and self.sent_total is not None
            and self.khaos_total != self.sent_total
        )

    @property
    def retryable(self) -> bool:
        return self.state in {self.State.HELD, self.State.FAILED}
