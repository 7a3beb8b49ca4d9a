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
    # The Khaos entries (and web sites) the row was last read from: a refresh
    # that gets the same entries leaves them undecoded. Empty: read them next time.
    entries_digest = models.CharField(max_length=32, blank=True, default="")
    synced_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.binding.stock_code}: {self.level} (status {self.status})"


class KhaosSite(models.Model):
    """One of Khaos's stock sites, as its site list last said (GetSiteList).

    Written by every pull that asks Khaos for its sites, read by whatever needs
    to know which sites feed the web without asking Khaos again (the checkout's
    live check): ``store.sites.web_sites`` resolves them.
    """

    site_id = models.IntegerField(primary_key=True)
    name = models.CharField(max_length=128, blank=True)
    # Khaos's own current site: the web's site when none is configured.
    is_current = models.BooleanField(default=False)
    # False for a current site Khaos names but does not list: it is the default
    # site all the same, but an all-sites export has no entry for it.
    listed = models.BooleanField(default=True)
    position = models.PositiveIntegerField(default=0, help_text="Order in Khaos's list")
    seen_at = models.DateTimeField()

    class Meta:
        db_table = "khaos_stock_site"
        ordering = ("position", "site_id")

    def __str__(self) -> str:
        return f"{self.site_id}: {self.name}"
