"""What Khaos says about an item's stock beyond the per-site level on Oscar's stock records."""

from __future__ import annotations

from django.db import models

from khaos_sync.sync.catalogue.models import ProductBinding


class ItemStock(models.Model):
    """Khaos STATUS, next due date and sellable level of one bound item (mapping §2–§4).

    The per-site levels live on Oscar's stock records (one per site partner);
    this row holds what those records cannot: the item-wide STATUS, the
    purchase order due date (LEAD_TIME) and, for a pack header, whether a
    component refuses back orders.
    """

    binding = models.OneToOneField(ProductBinding, on_delete=models.CASCADE, related_name="stock")
    level = models.IntegerField(default=0, help_text="Sum over the web's sites; may be negative")
    status = models.PositiveSmallIntegerField(null=True, blank=True)
    due_date = models.DateField(null=True, blank=True, help_text="Next purchase order due")
    site_levels = models.JSONField(default=dict, blank=True)
    is_bundle = models.BooleanField(default=False)
    components_run_to_zero = models.BooleanField(default=False)
    fingerprint = models.CharField(max_length=32, blank=True)
    synced_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.binding.stock_code}: {self.level} (status {self.status})"
