"""Refreshing the storefront search index after a batch of bulk writes."""

from __future__ import annotations

from collections.abc import Sequence

from haystack import connections
from oscar.core.loading import get_model

Product = get_model("catalogue", "Product")
CHUNK = 500


def reindex_products(product_ids: Sequence[int]) -> None:
    """Index the browsable ones among these products and drop the others."""
    if not product_ids:
        return
    backend = connections["default"].get_backend()
    index = connections["default"].get_unified_index().get_index(Product)
    ids = sorted(set(product_ids))
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        parents = Product.objects.filter(pk__in=chunk).exclude(structure="child")
        shown = index.index_queryset().filter(pk__in=chunk)
        shown_ids = set(shown.values_list("pk", flat=True))
        if shown_ids:
            backend.update(index, shown)
        for product in parents.exclude(pk__in=shown_ids):
            backend.remove(product)
