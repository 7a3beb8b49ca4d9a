"""A stable JSON view of what the catalogue sync produced (``dump catalogue --json``)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Prefetch
from oscar.core.loading import get_class, get_model

Category = get_model("catalogue", "Category")
Product = get_model("catalogue", "Product")
StockRecord = get_model("partner", "StockRecord")
Selector = get_class("partner.strategy", "Selector")


def money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def full_name(category: Any) -> str:
    """Oscar's ``full_name`` ("Clothing > Knitwear"), its ancestors read through the
    manager, where treebeard 7 keeps the tree methods."""
    names = [a.name for a in Category.objects.get_ancestors(category)] + [category.name]
    return str(Category._full_name_separator.join(names))


def stock_facts(product: Any, strategy: Any) -> dict[str, Any]:
    """``level``: sellable quantity the shop holds; ``buyable``: one can be bought now."""
    if product.is_parent:
        return {"level": None, "buyable": False}  # decided by its variants, below
    records = list(product.stockrecords.all())
    info = strategy.fetch_for_product(product)
    level = sum(r.net_stock_level for r in records) if records else None
    return {"level": level, "buyable": info.availability.is_available_to_buy}


def product_row(product: Any, strategy: Any = None) -> dict[str, Any]:
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
        "categories": sorted(full_name(c) for c in product.categories.all()),
        **stock_facts(product, strategy or Selector().strategy()),
    }


def variant_row(child: Any, strategy: Any = None) -> dict[str, Any]:
    row = product_row(child, strategy)
    row["options"] = {
        value.attribute.name: value.value_text for value in child.attribute_values.all()
    }
    return row


def dump_products() -> list[dict[str, Any]]:
    strategy = Selector().strategy()
    children = Product.objects.select_related("khaos__stock", "parent").prefetch_related(
        "stockrecords", "tags", "categories", "attribute_values__attribute"
    )
    products = (
        Product.objects.filter(khaos__isnull=False)
        .exclude(structure="child")
        .select_related("khaos__stock")
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
        row = product_row(product, strategy)
        row["variants"] = [variant_row(child, strategy) for child in product.children.all()]
        if product.is_parent:
            row["buyable"] = any(variant["buyable"] for variant in row["variants"])
        rows.append(row)
    return rows
