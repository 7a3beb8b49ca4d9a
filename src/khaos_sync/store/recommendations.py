"""Khaos linked items (up-sell, cross-sell, associated) as Oscar recommendations.

Links are kept by code (``KhaosLink``) and written with the batch of their item,
in its transaction: a link to an item not in the shop yet waits in the table and
is resolved when a product takes that code. An interrupted run therefore loses
no link, and any completed run gives the links an uninterrupted one would.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

from oscar.core.loading import get_model

from khaos_sync.mappers.products import ProductSpec
from khaos_sync.store.rows import insert_rows
from khaos_sync.sync.catalogue.models import KhaosLink, ProductBinding

Product = get_model("catalogue", "Product")
ProductRecommendation = get_model("catalogue", "ProductRecommendation")

# Oscar ranks higher first: up-sells before cross-sells before associated items.
RANKING = {1: 30, 2: 20, 4: 10}


def write_links(
    specs: Iterable[ProductSpec], bindings: dict[str, ProductBinding], gained: Collection[str]
) -> None:
    """Store the batch's links, then relink its items and every item linking to a code it took."""
    specs = list(specs)
    primaries = [bindings[s.stock_id] for s in specs]
    KhaosLink.objects.filter(primary__in=primaries).delete()
    insert_rows(
        KhaosLink,
        ("primary_id", "target_code", "kind"),
        [
            (bindings[s.stock_id].pk, code, kind)
            for s in specs
            for code, kind in dict(s.recommendations).items()
        ],
    )
    ids = {b.pk for b in primaries}
    if gained:
        ids |= set(
            KhaosLink.objects.filter(target_code__in=list(gained)).values_list(
                "primary_id", flat=True
            )
        )
    relink(ids)


def relink(binding_ids: Collection[int]) -> None:
    """Replace the recommendations of these bound items from their Khaos links."""
    if not binding_ids:
        return
    products = dict(
        ProductBinding.objects.filter(pk__in=list(binding_ids)).values_list("pk", "product_id")
    )
    links = list(
        KhaosLink.objects.filter(primary_id__in=list(binding_ids)).values_list(
            "primary_id", "target_code", "kind"
        )
    )
    holders = dict(
        Product.objects.filter(
            upc__in={code for _p, code, _k in links}, khaos__isnull=False
        ).values_list("upc", "pk")
    )
    ProductRecommendation.objects.filter(primary_id__in=list(products.values())).delete()
    rows: dict[tuple[int, int], int] = {}
    for binding_id, code, kind in links:
        primary, target = products[binding_id], holders.get(code)
        if target and target != primary:
            rows.setdefault((primary, target), RANKING.get(kind, 0))
    insert_rows(
        ProductRecommendation,
        ("primary_id", "recommendation_id", "ranking"),
        [(p, r, rank) for (p, r), rank in rows.items()],
    )
