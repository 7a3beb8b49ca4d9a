"""What Khaos said about each shop order, and the consignments it sent.

Oscar's ``ShippingEvent`` has only free-text notes, so each consignment gets a
``Shipment`` of its own (courier, consignment reference, tracking link), tied
to the Oscar shipping event that carries the line quantities, with the
quantities sent per line kept here too.
"""

from __future__ import annotations

from django.db import models


class OrderStatusBinding(models.Model):
    """Shop order ↔ Khaos sales order, with a fingerprint of the last status applied."""

    order = models.OneToOneField(
        "order.Order", on_delete=models.CASCADE, related_name="khaos_status"
    )
    khaos_order_code = models.CharField(max_length=64, blank=True, db_index=True)
    khaos_status = models.CharField(
        max_length=128, blank=True, help_text="Shop status Khaos asked for"
    )
    synced_hash = models.CharField(max_length=64)
    synced_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"order {self.order_id} ↔ {self.khaos_order_code or '?'}"


class Shipment(models.Model):
    """One consignment Khaos sent for a shop order."""

    order = models.ForeignKey(
        "order.Order", on_delete=models.CASCADE, related_name="khaos_shipments"
    )
    shipping_event = models.OneToOneField(
        "order.ShippingEvent",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="khaos_shipment",
    )
    key = models.CharField(max_length=200, help_text="Khaos invoice (and consignment)")
    invoice_code = models.CharField(max_length=64, blank=True)
    courier = models.CharField(max_length=128, blank=True)
    consignment_ref = models.CharField(max_length=128, blank=True)
    tracking_url = models.URLField(max_length=1000, blank=True)
    shipped_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    customer_notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["order", "key"], name="one_shipment_per_consignment")
        ]
        indexes = [models.Index(fields=["customer_notified_at"])]

    def __str__(self) -> str:
        return f"{self.courier or 'consignment'} {self.consignment_ref or self.key}"


class ShipmentLine(models.Model):
    """The quantity of one order line in a shipment."""

    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="lines")
    line = models.ForeignKey(
        "order.Line", on_delete=models.CASCADE, related_name="khaos_shipment_lines"
    )
    quantity = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["shipment", "line"], name="one_row_per_shipped_line")
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × line {self.line_id}"
