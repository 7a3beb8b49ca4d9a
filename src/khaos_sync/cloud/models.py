"""What Khaos Control Cloud sent and what the shop served it."""

from __future__ import annotations

from django.db import models


class CloudPush(models.Model):
    """One push as received, raw, so it can be applied again or inspected."""

    class State(models.TextChoices):
        RECEIVED = "received", "Received, not applied yet"
        APPLIED = "applied", "Applied"
        REJECTED = "rejected", "Rejected (unreadable)"
        FAILED = "failed", "Failed while applying"

    endpoint = models.CharField(max_length=32)
    format = models.CharField(max_length=4)
    digest = models.CharField(max_length=64, help_text="SHA-256 of the payload")
    payload = models.BinaryField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.RECEIVED)
    reason = models.TextField(blank=True)
    summary = models.JSONField(default=dict, blank=True)
    times_received = models.PositiveIntegerField(default=1)
    received_at = models.DateTimeField()
    last_received_at = models.DateTimeField()
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(fields=["endpoint", "digest"], name="khaos_cloud_push_once")
        ]
        indexes = [models.Index(fields=["state", "received_at"])]

    def __str__(self) -> str:
        return f"{self.endpoint} push {self.pk} ({self.state})"

    @property
    def key(self) -> str:
        """The failed-item key of this push."""
        return f"{self.endpoint}/{self.pk}"


class CloudStockItem(models.Model):
    """Which push last carried each stock item: SCS families arrive in separate batches."""

    stock_id = models.CharField(max_length=64, unique=True)
    parent_stock_id = models.CharField(max_length=64, blank=True, db_index=True)
    is_scs_parent = models.BooleanField(default=False)
    push = models.ForeignKey(CloudPush, on_delete=models.CASCADE, related_name="stock_items")

    def __str__(self) -> str:
        return f"stock item {self.stock_id} (push {self.push_id})"


class CloudPage(models.Model):
    """A page of orders served; its token is the continuation Khaos echoes back."""

    created_at = models.DateTimeField()
    export_ids = models.JSONField(default=list)

    def __str__(self) -> str:
        return f"order page {self.pk} ({len(self.export_ids)} orders)"


class CloudDelivery(models.Model):
    """Where one order stands on its way to Khaos Control Cloud."""

    export = models.OneToOneField(
        "khaos_orders.OrderExport", on_delete=models.CASCADE, related_name="cloud"
    )
    order_number = models.CharField(max_length=128, db_index=True)
    times_served = models.PositiveIntegerField(default=0)
    first_served_at = models.DateTimeField()
    last_served_at = models.DateTimeField()
    # Khaos's next pull carried a continuation past the page holding it.
    delivered_at = models.DateTimeField(null=True, blank=True)
    # A status upload named it: Khaos has imported it.
    confirmed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"order {self.order_number} via Khaos Control Cloud"


class CloudPriceList(models.Model):
    """A price list as Khaos pushed it; applying it to prices is separate work."""

    price_list_id = models.CharField(max_length=64, unique=True)
    name = models.CharField(max_length=255, blank=True)
    channel_id = models.CharField(max_length=64, blank=True)
    net = models.BooleanField(null=True)
    prices = models.JSONField(default=list)
    updated_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"price list {self.price_list_id} {self.name}"


class CloudCall(models.Model):
    """Khaos's last call of each endpoint and how it went."""

    endpoint = models.CharField(max_length=32, unique=True)
    called_at = models.DateTimeField()
    status = models.PositiveSmallIntegerField()
    outcome = models.TextField(blank=True)
    # What the call carried or was answered: orders served, items created, updated, failed.
    counts = models.JSONField(default=dict, blank=True)
    push = models.ForeignKey(
        CloudPush, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return f"{self.endpoint}: {self.status} at {self.called_at}"
