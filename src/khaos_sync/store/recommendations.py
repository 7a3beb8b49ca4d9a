"""Khaos linked items (up-sell, cross-sell, associated) as Oscar recommendations."""

from __future__ import annotations

from collections.abc import Mapping

from oscar.core.loading import get_model

from khaos_sync.sync.catalogue.models import ProductBinding

ProductRecommendation = get_model("catalogue", "ProductRecommendation")

# Oscar ranks higher first: up-sells before cross-sells before associated items.
RANKING = {1: 30, 2: 20, 4: 10}


def link_recommendations(links: Mapping[str, tuple[tuple[str, int], ...]]) -> None:
    """Replace the recommendations of the given items; links to unknown codes wait."""
    codes = {code for pairs in links.values() for code, _ in pairs}
    by_code = dict(
        ProductBinding.objects.filter(stock_code__in=codes).values_list("stock_code", "product_id")
    )
    by_stock_id = dict(
        ProductBinding.objects.filter(stock_id__in=list(links)).values_list(
            "stock_id", "product_id"
        )
    )
    primaries = [by_stock_id[s] for s in links if s in by_stock_id]
    ProductRecommendation.objects.filter(primary_id__in=primaries).delete()
    rows = {}
    for stock_id, pairs in links.items():
        primary = by_stock_id.get(stock_id)
        for code, kind in pairs:
            target = by_code.get(code)
            if primary and target and target != primary:
                rows.setdefault((primary, target), RANKING.get(kind, 0))
    ProductRecommendation.objects.bulk_create(
        [
            ProductRecommendation(primary_id=p, recommendation_id=r, ranking=rank)
            for (p, r), rank in rows.items()
        ]
    )
