"""Khaos price lists as the shop keeps them: the list, who it is for, and its breaks."""

from __future__ import annotations

from django.db import models


class PriceList(models.Model):
    """One Khaos price list, as last fetched (SOAP) or pushed (Khaos Control Cloud)."""

    class Source(models.TextChoices):
        SOAP = "soap", "KhaosWS ExportPriceList"
        CLOUD = "cloud", "Khaos Control Cloud upload"

    name = models.CharField(max_length=128, unique=True)
    source = models.CharField(max_length=10, choices=Source.choices)
    external_id = models.CharField(
        max_length=64, blank=True, help_text="PriceListID of a Khaos Control Cloud list"
    )
    is_net = models.BooleanField(help_text="Prices exclude VAT; the item's rate is added")
    synced_hash = models.CharField(max_length=64)
    synced_at = models.DateTimeField()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PriceListAssignment(models.Model):
    """Who a list is for: a Khaos company class, one Khaos customer, or everyone (web)."""

    class Kind(models.TextChoices):
        CLASS = "class", "Customer class"
        CUSTOMER = "customer", "Customer"
        WEB = "web", "Web (everyone)"

    price_list = models.ForeignKey(PriceList, on_delete=models.CASCADE, related_name="assignments")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    value = models.CharField(
        max_length=64, blank=True, help_text="Company class or COMPANY_CODE; empty for web"
    )

    class Meta:
        ordering = ["kind", "value"]
        constraints = [
            models.UniqueConstraint(
                fields=["price_list", "kind", "value"], name="khaos_prices_unique_assignment"
            )
        ]
        indexes = [models.Index(fields=["kind", "value"])]

    def __str__(self) -> str:
        return f"{self.price_list} → {self.kind} {self.value}".strip()


class PriceListEntry(models.Model):
    """One quantity break of one stock item: a fixed amount, or a percentage off."""

    price_list = models.ForeignKey(PriceList, on_delete=models.CASCADE, related_name="entries")
    stock_code = models.CharField(max_length=64)
    qty_start = models.PositiveIntegerField(default=1)
    qty_end = models.PositiveIntegerField(null=True, blank=True, help_text="Empty: no limit")
    amount = models.DecimalField(
        max_digits=14, decimal_places=4, null=True, blank=True, help_text="Empty: web price"
    )
    discount_percent = models.DecimalField(max_digits=7, decimal_places=4, default=0)

    class Meta:
        ordering = ["stock_code", "qty_start"]
        indexes = [models.Index(fields=["stock_code", "price_list"])]

    def __str__(self) -> str:
        return f"{self.price_list} {self.stock_code} {self.qty_start}-{self.qty_end or ''}"
