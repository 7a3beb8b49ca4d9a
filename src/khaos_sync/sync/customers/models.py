"""Khaos company (customer) ↔ shop account, and the record of the one-time import."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class CustomerBinding(models.Model):
    """A shop account's Khaos customer: its COMPANY_CODE (URN) once Khaos gave one."""

    class Source(models.TextChoices):
        ORDER_IMPORT = "order import", "Order import"
        CUSTOMER_IMPORT = "customer import", "Customer import"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="khaos_customer"
    )
    company_code = models.CharField(max_length=10, unique=True, null=True, blank=True)
    company_id = models.CharField(max_length=64, blank=True)
    company_class = models.CharField(
        max_length=64, blank=True, help_text="Khaos COMPANY_CLASS; chooses the class's price lists"
    )
    source = models.CharField(
        max_length=20, help_text="How the link was made: order import or customer import"
    )
    synced_hash = models.CharField(max_length=64, blank=True)
    synced_at = models.DateTimeField()
    # Consent comes only from an explicit opt-in in Khaos (MAILING_STATUS, see
    # docs/customers.md); an account linked any other way has none.
    marketing_consent = models.BooleanField(
        default=False, help_text="The customer opted in to marketing e-mail"
    )
    mailing_status = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Khaos MAILING_STATUS the consent was read from"
    )
    consent_recorded_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.user} ↔ {self.company_code or 'no URN yet'}"


class CustomerImport(models.Model):
    """One run of the one-time customer import (dry runs are not recorded)."""

    class State(models.TextChoices):
        RUNNING = "running", "Running"
        FINISHED = "finished", "Finished"
        FAILED = "failed", "Failed"

    run = models.ForeignKey(
        "khaos_core.SyncRun", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    forced = models.BooleanField(default=False)
    state = models.CharField(max_length=10, choices=State.choices, default=State.RUNNING)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    company_classes = models.JSONField(default=list, blank=True)
    totals = models.JSONField(default=dict, blank=True, help_text="entries per outcome")
    reasons = models.JSONField(default=dict, blank=True, help_text="skipped per reason")
    report_json = models.CharField(max_length=500, blank=True, help_text="in the data dir")
    report_csv = models.CharField(max_length=500, blank=True, help_text="in the data dir")
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"customer import {self.pk} ({self.state})"


class CustomerImportEntry(models.Model):
    """What happened to one Khaos record in an import."""

    customer_import = models.ForeignKey(
        CustomerImport, on_delete=models.CASCADE, related_name="entries"
    )
    company_code = models.CharField(max_length=64, blank=True)
    company_id = models.CharField(max_length=64, blank=True)
    email = models.CharField(max_length=254, blank=True)
    outcome = models.CharField(max_length=10)
    reason = models.CharField(max_length=30, blank=True)
    detail = models.TextField(blank=True)

    class Meta:
        ordering = ["pk"]
        indexes = [
            models.Index(fields=["customer_import", "outcome"]),
            models.Index(fields=["customer_import", "reason"]),
        ]

    def __str__(self) -> str:
        return f"{self.company_code}: {self.outcome} {self.reason}".strip()
