"""Bindings between Khaos records and shop records, and what Khaos changed under a person."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ProductBinding(models.Model):
    """Khaos STOCK_ID ↔ shop product or variant, with the Khaos facts the shop needs."""

    stock_id = models.CharField(max_length=64, unique=True)
    product = models.OneToOneField(
        "catalogue.Product", on_delete=models.CASCADE, related_name="khaos"
    )
    # The code Khaos sent last for this item. The product holds it as its SKU
    # unless another item Khaos sent more recently carries the same code
    # (then ``Product.upc`` is empty and a review flag says why).
    stock_code = models.CharField(max_length=255, db_index=True)
    # Khaos's revision date of the item (GetStockList LastUpdated), when known:
    # it decides which of two items carrying one code holds it.
    khaos_revised_at = models.DateTimeField(null=True, blank=True)
    parent_stock_id = models.CharField(max_length=64, blank=True, db_index=True)
    structure = models.CharField(max_length=10)
    synced_hash = models.CharField(max_length=64)
    synced_at = models.DateTimeField()
    # The presentation values Khaos sent last time, to tell a new upstream change
    # from one a person already saw.
    khaos_values = models.JSONField(default=dict)
    owned_fields = models.JSONField(default=list, help_text="Presentation fields a person edited")
    image_files = models.JSONField(default=list)
    # Sell rules (mapping §3), read by the pricing strategy.
    discontinued = models.BooleanField(default=False)
    run_to_zero = models.BooleanField(default=False)
    stock_controlled = models.BooleanField(default=True)
    sales_multiple = models.PositiveIntegerField(default=1)
    max_display_qty = models.PositiveIntegerField(null=True, blank=True)
    availability_text = models.CharField(max_length=255, blank=True)
    lead_time_days = models.IntegerField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.stock_code} ({self.stock_id})"


class CategoryBinding(models.Model):
    """Khaos web category ID ↔ shop category."""

    khaos_id = models.CharField(max_length=64, unique=True)
    category = models.OneToOneField(
        "catalogue.Category", on_delete=models.CASCADE, related_name="khaos"
    )
    synced_hash = models.CharField(max_length=64)
    synced_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"category {self.khaos_id}"


class UpstreamChange(models.Model):
    """A Khaos change to a field a person owns, held until they accept or dismiss it."""

    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        ACCEPTED = "accepted", "Accepted"
        DISMISSED = "dismissed", "Dismissed"

    binding = models.ForeignKey(ProductBinding, on_delete=models.CASCADE, related_name="changes")
    field = models.CharField(max_length=50)
    value = models.JSONField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    received_at = models.DateTimeField()
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["binding", "field"],
                condition=models.Q(state="pending"),
                name="one_pending_change_per_field",
            )
        ]

    def __str__(self) -> str:
        return f"{self.binding.stock_code}.{self.field} ({self.state})"


class BundleComponent(models.Model):
    """One child of a Khaos pack (LINK_TYPE 3): the pack header is sold as a bundle."""

    bundle = models.ForeignKey(ProductBinding, on_delete=models.CASCADE, related_name="components")
    component_code = models.CharField(max_length=64)
    quantity = models.DecimalField(max_digits=12, decimal_places=4)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["bundle", "component_code"], name="one_row_per_component"
            )
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.component_code}"


class ReviewFlag(models.Model):
    """A Khaos record the shop kept but could not take as it is: a person should look.

    One open flag per kind and Khaos record; it is closed when the conflict settles.
    """

    class Kind(models.TextChoices):
        CODE = "code", "Stock code held by another item"
        ATTRIBUTE = "attribute", "Attribute clash"
        DELETED = "deleted", "Publishing an item Khaos deleted"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    khaos_ref = models.CharField(max_length=64, help_text="Khaos STOCK_ID of the record")
    product = models.ForeignKey(
        "catalogue.Product",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="khaos_review_flags",
    )
    reason = models.TextField()
    opened_at = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-opened_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "khaos_ref"],
                condition=models.Q(resolved_at__isnull=True),
                name="one_open_flag_per_kind_and_record",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.khaos_ref}: {self.reason[:60]}"


class KhaosLink(models.Model):
    """A Khaos linked item (up-sell, cross-sell, associated) of a bound item, by code.

    Kept with the batch that wrote its item, so a link whose target is not in the
    shop yet is resolved when the target arrives, in this run or a later one.
    """

    primary = models.ForeignKey(ProductBinding, on_delete=models.CASCADE, related_name="links")
    target_code = models.CharField(max_length=255, db_index=True)
    kind = models.PositiveSmallIntegerField()

    def __str__(self) -> str:
        return f"{self.primary_id} -> {self.target_code} ({self.kind})"


class CategoryTreeState(models.Model):
    """What the catalogue flow last read of one website's Khaos web category tree.

    ``digest`` names the tree (its categories and memberships) that every bound
    item's categories in the shop reflect; it is empty while that is not known
    (a changed tree not yet applied to every item, items taken from files), and
    then the next run reads the tree and compares every bound item again.
    """

    website = models.CharField(max_length=255, unique=True)
    digest = models.CharField(max_length=64, blank=True)
    # The start of the last run that read the tree (for catalogue.categories_every_minutes).
    read_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"web categories of {self.website} ({self.digest[:12] or 'not applied'})"
