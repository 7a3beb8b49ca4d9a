"""Where each imported image came from, and the import jobs the dashboard follows."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ImageBinding(models.Model):
    """An Oscar product image that came from an image import, with its content hash.

    One row per product and file name: sending the same name again with other
    content replaces the image, with the same content changes nothing.
    """

    product = models.ForeignKey(
        "catalogue.Product", on_delete=models.CASCADE, related_name="khaos_images"
    )
    product_image = models.OneToOneField(
        "catalogue.ProductImage", on_delete=models.CASCADE, related_name="khaos_source"
    )
    source_name = models.CharField(max_length=255, help_text="File name, lower case")
    content_hash = models.CharField(max_length=64, db_index=True, help_text="SHA-256")
    position = models.PositiveIntegerField(help_text="Place in Khaos's list or the _n number")
    imported_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["product", "source_name"], name="one_image_per_name")
        ]

    def __str__(self) -> str:
        return f"{self.source_name} → product {self.product_id}"


class ImageImportJob(models.Model):
    """One folder or ZIP import, with counts a person can watch while it runs."""

    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    source = models.CharField(max_length=500, help_text="Folder or ZIP path on the server")
    label = models.CharField(max_length=255, help_text="What the person called it")
    delete_source = models.BooleanField(default=False, help_text="An upload, removed when done")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    holder = models.CharField(max_length=255, blank=True)
    run = models.ForeignKey("khaos_core.SyncRun", null=True, blank=True, on_delete=models.SET_NULL)
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    matched = models.PositiveIntegerField(default=0)
    unmatched = models.PositiveIntegerField(default=0)
    refused = models.PositiveIntegerField(default=0)
    held = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    report = models.JSONField(default=dict, blank=True, help_text="Lists cut to a page")
    report_file = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["state", "heartbeat_at"])]

    def __str__(self) -> str:
        return f"image import {self.pk} ({self.state})"

    @property
    def finished(self) -> bool:
        return self.state in {self.State.DONE, self.State.FAILED}

    @property
    def percent(self) -> int:
        if self.finished:
            return 100
        return int(100 * self.processed / self.total) if self.total else 0
