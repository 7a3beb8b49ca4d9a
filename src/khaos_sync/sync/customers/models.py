"""Khaos company (customer) ↔ shop account."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class CustomerBinding(models.Model):
    """A shop account's Khaos customer: its COMPANY_CODE (URN) once Khaos gave one."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="khaos_customer"
    )
    company_code = models.CharField(max_length=10, unique=True, null=True, blank=True)
    company_id = models.CharField(max_length=64, blank=True)
    source = models.CharField(
        max_length=20, help_text="How the link was made: order import or customer import"
    )
    synced_hash = models.CharField(max_length=64, blank=True)
    synced_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.user} ↔ {self.company_code or 'no URN yet'}"
