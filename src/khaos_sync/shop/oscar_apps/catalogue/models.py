"""Catalogue models: Oscar's, plus the product fields a Khaos catalogue needs.

Oscar's Product has no summary, no tags and no VAT rate, while Khaos sends a
web teaser, UDAs and a per-item VAT rate. They are real columns of the product
(rather than attributes) so the dashboard, search and pricing can use them
without extra queries.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from oscar.apps.catalogue.abstract_models import AbstractProduct

from khaos_sync.mappers.products import is_shown


class ProductTag(models.Model):
    """A label shown on products and usable for filtering, e.g. "Author: Tolkien"."""

    name = models.CharField(_("Name"), max_length=255, unique=True)

    class Meta:
        app_label = "catalogue"
        ordering = ["name"]
        verbose_name = _("Product tag")
        verbose_name_plural = _("Product tags")

    def __str__(self) -> str:
        return self.name


class Product(AbstractProduct):
    # ``is_public`` (Oscar's flag, which every storefront view checks) is derived:
    # the person's decision is kept in ``published`` so that a Khaos deletion can
    # hide a product and an un-deletion bring it back without losing that decision.
    published = models.BooleanField(
        _("Published"), default=True, help_text=_("A person's decision to show it.")
    )
    khaos_deleted = models.BooleanField(
        _("Deleted in Khaos"), default=False, help_text=_("Hidden while Khaos says DELETED.")
    )
    summary = models.TextField(_("Summary"), blank=True)
    vat_rate = models.DecimalField(
        _("VAT rate (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Empty: the shop's default rate."),
    )
    meta_keywords = models.CharField(_("Meta keywords"), max_length=500, blank=True)
    tags = models.ManyToManyField(ProductTag, blank=True, related_name="products")
    barcodes = models.CharField(
        _("Barcodes"), max_length=500, blank=True, help_text=_("Space separated, searchable.")
    )
    # Shipping data as Khaos holds it (kg and cm); columns so couriers' rules can use them.
    weight = models.DecimalField(
        _("Weight"), max_digits=12, decimal_places=4, null=True, blank=True
    )
    height = models.DecimalField(
        _("Height"), max_digits=12, decimal_places=4, null=True, blank=True
    )
    width = models.DecimalField(_("Width"), max_digits=12, decimal_places=4, null=True, blank=True)
    depth = models.DecimalField(_("Depth"), max_digits=12, decimal_places=4, null=True, blank=True)

    @classmethod
    def from_db(cls, db, field_names, values):  # type: ignore[no-untyped-def]
        instance = super().from_db(db, field_names, values)
        instance._loaded_is_public = instance.__dict__.get("is_public")
        return instance

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        # A form or script that flips ``is_public`` directly expresses a publish
        # decision; record it, then derive what the storefront may show.
        if self._state.adding and not hasattr(self, "_loaded_is_public"):
            self.published = self.published and self.is_public
        elif self.is_public != getattr(self, "_loaded_is_public", self.is_public):
            self.published = self.is_public
        self.is_public = is_shown(self.published, self.khaos_deleted)
        super().save(*args, **kwargs)
        self._loaded_is_public = self.is_public


from oscar.apps.catalogue.models import *  # noqa: E402,F403  Oscar's documented fork pattern
