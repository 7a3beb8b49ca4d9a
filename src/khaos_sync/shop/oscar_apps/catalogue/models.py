"""Catalogue models: Oscar's, plus the product fields a Khaos catalogue needs.

Oscar's Product has no summary, no tags and no VAT rate, while Khaos sends a
web teaser, UDAs and a per-item VAT rate. They are real columns of the product
(rather than attributes) so the dashboard, search and pricing can use them
without extra queries.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from oscar.apps.catalogue.abstract_models import AbstractProduct


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


from oscar.apps.catalogue.models import *  # noqa: E402,F403  Oscar's documented fork pattern
