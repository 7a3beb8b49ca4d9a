"""Khaos linked items (up-sell, cross-sell, associated) as Oscar recommendations.

Links are kept by code (``KhaosLink``) and written with the batch of their item,
in its transaction: a link to an item not in the shop yet waits in the table and
is resolved when a product takes that code. An interrupted run therefore loses
no link, and any completed run gives the links an uninterrupted one would.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping

from oscar.core.loading import get_model

from khaos_sync.mappers.products import ProductSpec
from khaos_sync.store.rows import delete_where, insert_rows, select, table, where_in
from khaos_sync.sync.catalogue.models import KhaosLink, ProductBinding

Product = get_model("catalogue", "Product")
ProductRecommendation = get_model("catalogue", "ProductRecommendation")

# Oscar ranks higher first: up-sells before cross-sells before associated items.
RANKING = {1: 30, 2: 20, 4: 10}


def write_links(
    specs: Iterable[ProductSpec], binding_ids: Mapping[str, int], gained: Collection[str]
) -> None:
    """Store the batch's links, then relink its items and every item linking to a code it took.

    ``binding_ids``: the binding key of each item of the batch.
    """
    specs = list(specs)
    primaries = [binding_ids[s.stock_id] for s in specs]
    delete_where(KhaosLink, "primary_id", primaries)
    insert_rows(
        KhaosLink,
        ("primary_id", "target_code", "kind"),
        [
            (binding_ids[s.stock_id], code, kind)
            for s in specs
            for code, kind in dict(s.recommendations).items()
        ],
    )
    ids = set(primaries)
    if gained:
        in_gained, params = where_in("target_code", list(gained))
        ids |= {
            pk
            for (pk,) in select(
                f"SELECT primary_id FROM {table(KhaosLink)} WHERE {in_gained}", params
            )
        }
    relink(ids)


def relink(binding_ids: Collection[int]) -> None:
    """Replace the recommendations of these bound items from their Khaos links."""
    if not binding_ids:
        return
    in_ids, params = where_in("id", list(binding_ids))
    products = dict(
        select(f"SELECT id, product_id FROM {table(ProductBinding)} WHERE {in_ids}", params)
    )
    in_primaries, params = where_in("primary_id", list(binding_ids))
    links = select(
        f"SELECT primary_id, target_code, kind FROM {table(KhaosLink)} WHERE {in_primaries}",
        params,
    )
    holders: dict[str, int] = {}
    if links:
        in_codes, params = where_in("p.upc", list({code for _p, code, _k in links}))
        holders = dict(
            select(
                f"SELECT p.upc, p.id FROM {table(Product)} p"
                f" JOIN {table(ProductBinding)} b ON b.product_id = p.id WHERE {in_codes}",
                params,
            )
        )
    delete_where(ProductRecommendation, "primary_id", list(products.values()))
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
