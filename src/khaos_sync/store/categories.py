"""Writing the Khaos web category tree into Oscar's (treebeard) categories.

Categories are few (hundreds), so they are saved one by one through treebeard,
which keeps its materialised paths consistent.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Collection, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from django.utils import timezone
from oscar.core.loading import get_model

from khaos_sync.mappers.categories import CategorySpec
from khaos_sync.store.rows import select, table, where_in
from khaos_sync.sync.catalogue.models import CategoryBinding, ProductBinding

Category = get_model("catalogue", "Category")


def spec_hash(spec: CategorySpec) -> str:
    return hashlib.sha256(json.dumps(asdict(spec), sort_keys=True).encode()).hexdigest()


def sync_categories(specs: Sequence[CategorySpec]) -> tuple[dict[str, int], int]:
    """Create or update each category (parents first); return id map and change count."""
    bindings = {b.khaos_id: b for b in CategoryBinding.objects.select_related("category")}
    categories: dict[str, Any] = {k: b.category for k, b in bindings.items()}
    changes = 0
    for spec in specs:
        binding = bindings.get(spec.khaos_id)
        if binding is not None and binding.synced_hash == spec_hash(spec):
            continue
        parent = categories.get(spec.parent_khaos_id) if spec.parent_khaos_id else None
        categories[spec.khaos_id] = place_category(spec, binding, parent)
        CategoryBinding.objects.update_or_create(
            khaos_id=spec.khaos_id,
            defaults={
                "category": categories[spec.khaos_id],
                "synced_hash": spec_hash(spec),
                "synced_at": timezone.now(),
            },
        )
        changes += 1
    return {k: c.pk for k, c in categories.items()}, changes


def place_category(spec: CategorySpec, binding: CategoryBinding | None, parent: Any) -> Any:
    if binding is None:
        fields = {"name": spec.name, "description": spec.description}
        if parent is None:
            return Category.objects.add_root(fields)
        return Category.objects.add_child(parent, fields)
    category = binding.category
    category.name, category.description = spec.name, spec.description
    category.save()
    current_parent = Category.objects.get_parent(category)
    if parent is not None and (current_parent is None or current_parent.pk != parent.pk):
        Category.objects.move(category, parent, pos="last-child")
    elif parent is None and current_parent is not None:
        Category.objects.move(category, Category.objects.get_first_root_node(), pos="last-sibling")
    return Category.objects.get(pk=category.pk)


def bound_category_ids() -> dict[str, int]:
    """Khaos category id -> shop category id, as the last run that read the tree left them."""
    return dict(CategoryBinding.objects.values_list("khaos_id", "category_id"))


@dataclass
class BoundItems:
    """What the shop holds of the items listed under some codes (SCS parents with their variants)."""

    codes: set[str]
    # Khaos web category ids by STOCK_ID (parents and plain items); None: never recorded.
    categories: dict[str, tuple[str, ...] | None]
    variants: set[str]  # STOCK_IDs of their bound variants


def bound_items(codes: Collection[str]) -> BoundItems:
    """The bindings of ``codes`` (not variants) and of their variants, in two queries."""
    found = BoundItems(set(), {}, set())
    if not codes:
        return found
    in_codes, params = where_in("stock_code", codes)
    rows = select(
        f"SELECT stock_id, stock_code, khaos_values FROM {table(ProductBinding)}"
        f" WHERE {in_codes} AND structure <> 'child'",
        params,
    )
    for stock_id, code, values in rows:
        found.codes.add(code)
        values = json.loads(values) if isinstance(values, str) else values
        categories = values.get("categories")
        found.categories[stock_id] = None if categories is None else tuple(categories)
    if found.categories:
        in_parents, params = where_in("parent_stock_id", found.categories)
        rows = select(f"SELECT stock_id FROM {table(ProductBinding)} WHERE {in_parents}", params)
        found.variants = {stock_id for (stock_id,) in rows}
    return found
