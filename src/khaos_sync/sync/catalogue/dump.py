"""A stable JSON view of what the catalogue sync produced (``dump catalogue --json``)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Prefetch
from oscar.core.loading import get_model

Product = get_model("catalogue", "Product")
StockRecord = get_model("partner", "StockRecord")


def money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def product_row(product: Any) -> dict[str, Any]:
    binding = getattr(product, "khaos", None)
    records = list(product.stockrecords.all())
    price = records[0].price if records else None
    return {
        "stock_id": binding.stock_id if binding else None,
        "sku": product.upc,
        "name": product.title,
        "summary": product.summary,
        "price_incl_tax": money(price),
        "vat_rate": None if product.vat_rate is None else format(product.vat_rate.normalize(), "f"),
        "published": product.published,
        "khaos_deleted": product.khaos_deleted,
        "shown": product.is_public,
        "tags": sorted(tag.name for tag in product.tags.all()),
        "categories": sorted(c.full_name for c in product.categories.all()),
    }


def variant_row(child: Any) -> dict[str, Any]:
    row = product_row(child)
    row["options"] = {
        value.attribute.name: value.value_text for value in child.attribute_values.all()
    }
    return row


def dump_products() -> list[dict[str, Any]]:
    children = Product.objects.select_related("khaos").prefetch_related(
        "stockrecords", "tags", "categories", "attribute_values__attribute"
    )
    products = (
        Product.objects.filter(khaos__isnull=False)
        .exclude(structure="child")
        .select_related("khaos")
        .prefetch_related(
            "stockrecords",
            "tags",
            "categories",
            Prefetch("children", queryset=children.order_by("upc")),
        )
        .order_by("upc")
    )
    rows = []
    for product in products.iterator(chunk_size=500):
        row = product_row(product)
        row["variants"] = [variant_row(child) for child in product.children.all()]
        rows.append(row)
    return rows
