"""Writing product specs into Oscar's catalogue, a batch at a time.

Bulk statements instead of per-object saves (tens of times faster on a large
catalogue), one transaction per batch. Oscar's ``Product.save`` derives the
slug and the storefront visibility; bulk writes bypass it, so both are set
here with the same functions.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone
from oscar.core.loading import get_model
from oscar.core.utils import slugify

from khaos_sync.mappers.products import (
    CHILD,
    PARENT,
    PRESENTATION_FIELDS,
    ProductSpec,
    is_shown,
    placeholder_sku,
)
from khaos_sync.store.codes import CodePlan, flag_codes, plan_codes, release_codes, write_outside
from khaos_sync.store.recommendations import write_links
from khaos_sync.store.review_flags import close_flags, open_flag
from khaos_sync.store.rows import (
    delete_where,
    insert_keyed_rows,
    insert_rows,
    select,
    table,
    update_instances,
    update_rows,
    where_in,
)
from khaos_sync.store.statistics import GrowingTables
from khaos_sync.sync.catalogue.models import (
    BundleComponent,
    KhaosLink,
    ProductBinding,
    ReviewFlag,
    UpstreamChange,
)

Product = get_model("catalogue", "Product")
ProductClass = get_model("catalogue", "ProductClass")
ProductAttribute = get_model("catalogue", "ProductAttribute")
ProductAttributeValue = get_model("catalogue", "ProductAttributeValue")
ProductCategory = get_model("catalogue", "ProductCategory")
ProductTag = get_model("catalogue", "ProductTag")
ProductRecommendation = get_model("catalogue", "ProductRecommendation")
StockRecord = get_model("partner", "StockRecord")

PRODUCT_CLASS_NAME = "Khaos item"
# Product columns Khaos always masters, and the presentation columns it fills
# until a person takes them over.
KHAOS_COLUMNS = (
    "upc", "vat_rate", "khaos_deleted", "is_public", "barcodes",
    "weight", "height", "width", "depth", "structure", "parent_id",
)  # fmt: skip
PRESENTATION_COLUMNS = (
    "title",
    "summary",
    "description",
    "meta_title",
    "meta_description",
    "meta_keywords",
)
BINDING_FIELDS = (
    "stock_code", "parent_stock_id", "structure", "synced_hash", "synced_at", "khaos_values",
    "image_files", "discontinued", "run_to_zero", "stock_controlled", "sales_multiple",
    "max_display_qty", "availability_text", "lead_time_days", "khaos_revised_at",
)  # fmt: skip


def growing_tables() -> GrowingTables:
    """The tables a catalogue run fills, for keeping the planner's estimates fresh."""
    return GrowingTables(
        [
            Product,
            StockRecord,
            ProductBinding,
            ProductAttributeValue,
            Product.tags.through,
            ProductCategory,
            ProductRecommendation,
            BundleComponent,
            KhaosLink,
        ]
    )


@dataclass
class CatalogueContext:
    """Lookups shared by every batch of a run."""

    product_class: Any
    partners: list[Any]
    category_ids: dict[str, int]  # Khaos category id -> shop category id
    attributes: dict[str, Any] = field(default_factory=dict)
    attribute_by_name: dict[str, Any] = field(default_factory=dict)  # Khaos name -> attribute
    # STOCK_ID -> Khaos's revision date, where the run knows it (decides code clashes).
    revised_at: dict[str, datetime] = field(default_factory=dict)


@dataclass
class BatchResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    changed_stock_ids: list[str] = field(default_factory=list)
    # Products the storefront search must (re)index or forget; a product never
    # shown needs neither, which spares the index a write per new draft.
    index_ids: list[int] = field(default_factory=list)


def khaos_product_class() -> Any:
    product_class, _ = ProductClass.objects.get_or_create(
        name=PRODUCT_CLASS_NAME, defaults={"requires_shipping": True, "track_stock": True}
    )
    return product_class


def load_attributes(ctx: CatalogueContext) -> None:
    for attribute in ProductAttribute.objects.filter(product_class=ctx.product_class):
        ctx.attributes[attribute.code] = attribute


def attribute_for(ctx: CatalogueContext, name: str) -> Any:
    """One text attribute per SCS heading or UDA name, created on first use."""
    known = ctx.attribute_by_name.get(name)
    if known is not None:
        return known  # a name met before: no slug to compute again
    code = slugify(name).replace("-", "_") or "option"
    if code[0].isdigit():
        code = f"a_{code}"
    if code not in ctx.attributes:
        ctx.attributes[code], _ = ProductAttribute.objects.get_or_create(
            product_class=ctx.product_class, code=code, defaults={"name": name, "type": "text"}
        )
    ctx.attribute_by_name[name] = ctx.attributes[code]
    return ctx.attributes[code]


def apply_specs(specs: Sequence[ProductSpec], ctx: CatalogueContext) -> BatchResult:
    """Apply a batch of specs (parents before their variants). Call inside a transaction."""
    now = timezone.now()
    result = BatchResult()
    changed = changed_specs(specs)
    result.unchanged = len(specs) - len(changed)
    if not changed:
        return result
    bindings = load_bindings(changed)
    was_public = public_stock_ids(bindings)
    plan = plan_codes(changed, bindings, ctx.revised_at)
    products = resolve_products(changed, bindings, ctx, now, result, plan)
    write_outside(plan)
    write_stock_records(changed, products, ctx, plan)
    write_attributes(changed, products, ctx, now)
    owned = {
        s.stock_id: set(bindings[s.stock_id].owned_fields)
        for s in changed
        if s.stock_id in bindings
    }
    write_tags(changed, products, owned)
    write_categories(changed, products, owned, ctx)
    binding_ids = write_bindings(changed, products, bindings, now, ctx.revised_at)
    write_bundles(changed, binding_ids)
    write_links(changed, binding_ids, plan.gained)
    flag_codes(plan, products, now)
    close_flags(ReviewFlag.Kind.DELETED, [s.stock_id for s in changed if not s.khaos_deleted], now)
    result.index_ids = [
        products[s.stock_id].pk
        for s in changed
        if s.structure != CHILD and (products[s.stock_id].is_public or s.stock_id in was_public)
    ]
    result.changed_stock_ids = [s.stock_id for s in changed]
    return result


def changed_specs(specs: Sequence[ProductSpec]) -> list[ProductSpec]:
    """Specs whose content hash differs from the one their binding stored (or new ones).

    The hashes are compared in the database: only the bound items whose stored
    hash is one of the batch's come back, and an unchanged item costs no object.
    """
    hashes = {s.fingerprint for s in specs}
    in_batch, params = where_in("stock_id", [s.stock_id for s in specs])
    same_hash, hash_params = where_in("synced_hash", list(hashes))
    unchanged = set(
        select(
            f"SELECT stock_id, synced_hash FROM {table(ProductBinding)}"
            f" WHERE {in_batch} AND {same_hash}",
            [*params, *hash_params],
        )
    )
    return [s for s in specs if (s.stock_id, s.fingerprint) not in unchanged]


def load_bindings(specs: Sequence[ProductSpec]) -> dict[str, ProductBinding]:
    """The bindings of the batch's items that have one (none on a first sync)."""
    in_batch, params = where_in("stock_id", [s.stock_id for s in specs])
    ids = [
        pk for (pk,) in select(f"SELECT id FROM {table(ProductBinding)} WHERE {in_batch}", params)
    ]
    if not ids:
        return {}
    return {b.stock_id: b for b in ProductBinding.objects.filter(pk__in=ids)}


def public_stock_ids(bindings: dict[str, ProductBinding]) -> set[str]:
    """Bound items whose product is listed now, before the batch changes it."""
    if not bindings:
        return set()
    return set(
        ProductBinding.objects.filter(
            pk__in=[b.pk for b in bindings.values()], product__is_public=True
        ).values_list("stock_id", flat=True)
    )


class ProductRow:
    """The columns of one product the sync writes, and its key once it has one.

    Products are written as rows, not model instances: a batch builds thousands
    and needs of them only their values and keys. Oscar's ``save`` is not run
    (as with any bulk write); what it would derive is set in :func:`fill_product`.
    """

    __slots__ = (
        "barcodes", "date_created", "date_updated", "depth", "description", "height",
        "is_public", "khaos_deleted", "meta_description", "meta_keywords", "meta_title",
        "parent_id", "pk", "product_class_id", "published", "rating", "slug", "structure",
        "summary", "title", "upc", "vat_rate", "weight", "width",
    )  # fmt: skip
    pk: int | None
    published: bool
    date_created: datetime
    date_updated: datetime
    rating: float | None
    upc: str | None
    structure: str
    parent_id: int | None
    product_class_id: int | None
    vat_rate: Decimal
    khaos_deleted: bool
    is_public: bool
    barcodes: str
    weight: Decimal | None
    height: Decimal | None
    width: Decimal | None
    depth: Decimal | None
    slug: str
    title: str
    summary: str
    description: str
    meta_title: str | None
    meta_description: str | None
    meta_keywords: str | None

    def __init__(self, pk: int | None, published: bool, **columns: Any) -> None:
        self.pk = pk
        self.published = published
        self.slug = ""
        self.title = ""
        self.upc = None
        for name, value in columns.items():
            setattr(self, name, value)


# Columns of an existing product the sync reads back: the owned ones are kept.
LOADED_COLUMNS = ("id", "published", "upc", "slug", *PRESENTATION_COLUMNS)
UPDATED_COLUMNS = (
    *KHAOS_COLUMNS, *PRESENTATION_COLUMNS, "slug", "product_class_id", "date_updated",
)  # fmt: skip
INSERTED_COLUMNS = (*UPDATED_COLUMNS, "published", "date_created", "rating")


def load_products(ids: Sequence[int]) -> dict[int, ProductRow]:
    if not ids:
        return {}
    in_ids, params = where_in("id", ids)
    rows = select(
        f"SELECT {', '.join(LOADED_COLUMNS)} FROM {table(Product)} WHERE {in_ids}", params
    )
    products = {}
    for pk, published, upc, slug, *presentation in rows:
        product = ProductRow(pk, bool(published), upc=upc or "", slug=slug)
        for name, value in zip(PRESENTATION_COLUMNS, presentation, strict=True):
            setattr(product, name, value)
        products[pk] = product
    return products


def resolve_products(
    specs: Sequence[ProductSpec],
    bindings: dict[str, ProductBinding],
    ctx: CatalogueContext,
    now: datetime,
    result: BatchResult,
    plan: CodePlan,
) -> dict[str, ProductRow]:
    """The product of each spec: bound, adopted by SKU, or new (parents first)."""
    bound_ids = [bindings[s.stock_id].product_id for s in specs if s.stock_id in bindings]
    products = load_products(bound_ids)
    by_stock_id: dict[str, ProductRow] = {
        s.stock_id: products[bindings[s.stock_id].product_id]
        for s in specs
        if s.stock_id in bindings and bindings[s.stock_id].product_id in products
    }
    release_codes(plan, {k: (p.pk, p.upc) for k, p in by_stock_id.items()})
    plan.gained |= {
        code
        for s in specs
        if (code := plan.codes.get(s.stock_id))
        and (s.stock_id not in by_stock_id or by_stock_id[s.stock_id].upc != code)
    }
    unbound = [s.sku for s in specs if s.stock_id not in by_stock_id and s.sku in plan.adopt]
    adopted_ids = (
        dict(Product.objects.filter(upc__in=unbound, khaos__isnull=True).values_list("pk", "upc"))
        if unbound
        else {}
    )
    adopted = {adopted_ids[pk]: p for pk, p in load_products(list(adopted_ids)).items()}
    parent_ids = parent_products(specs, by_stock_id)
    for wave in (lambda s: s.structure != CHILD, lambda s: s.structure == CHILD):
        wave_specs = [s for s in specs if wave(s)]
        known = {**parent_ids, **{k: p.pk for k, p in by_stock_id.items()}}
        new, existing = [], []
        for spec in wave_specs:
            product = by_stock_id.get(spec.stock_id) or adopted.pop(spec.sku, None)
            owned = (
                set(bindings[spec.stock_id].owned_fields) if spec.stock_id in bindings else set()
            )
            if product is None:
                # A variant follows its parent's publish decision; only new
                # parents and standalone products wait for a person.
                product = ProductRow(None, spec.structure == CHILD, date_created=now, rating=None)
                new.append(product)
            else:
                existing.append(product)
                if spec.stock_id in bindings:
                    hold_owned_changes(spec, bindings[spec.stock_id], owned, now)
            sku = plan.codes.get(spec.stock_id, spec.sku)
            fill_product(product, spec, sku, owned, known, ctx, now)
            by_stock_id[spec.stock_id] = product
        keys = insert_keyed_rows(
            Product, INSERTED_COLUMNS, [[getattr(p, c) for c in INSERTED_COLUMNS] for p in new]
        )
        for product, key in zip(new, keys, strict=True):
            product.pk = key
        update_rows(
            Product,
            UPDATED_COLUMNS,
            [[*(getattr(p, c) for c in UPDATED_COLUMNS), p.pk] for p in existing],
        )
        result.created += len(new)
        result.updated += len(existing)
    return by_stock_id


def parent_products(specs: Sequence[ProductSpec], known: dict[str, Any]) -> dict[str, int]:
    """Product keys of parents of variants in this batch whose parent is not in it (unchanged)."""
    missing = {s.parent_stock_id for s in specs if s.parent_stock_id} - {s.stock_id for s in specs}
    if not missing:
        return {}
    in_missing, params = where_in("stock_id", list(missing))
    return dict(
        select(
            f"SELECT stock_id, product_id FROM {table(ProductBinding)} WHERE {in_missing}", params
        )
    )


def fill_product(
    product: ProductRow,
    spec: ProductSpec,
    sku: str | None,
    owned: set[str],
    product_ids: dict[str, int | None],
    ctx: CatalogueContext,
    now: datetime,
) -> None:
    product.upc = sku
    product.structure = spec.structure
    product.parent_id = product_ids[spec.parent_stock_id] if spec.parent_stock_id else None
    product.product_class_id = None if spec.structure == CHILD else ctx.product_class.pk
    product.vat_rate = spec.vat_rate
    product.khaos_deleted = spec.khaos_deleted
    product.is_public = is_shown(product.published, spec.khaos_deleted)
    product.barcodes = " ".join(spec.barcodes)[:500]
    product.weight, product.height = spec.weight, spec.height
    product.width, product.depth = spec.width, spec.depth
    for name in PRESENTATION_COLUMNS:
        if name not in owned:
            setattr(product, name, getattr(spec, name))
    if not product.slug or "title" not in owned:
        product.slug = (slugify(product.title) or slugify(spec.sku) or "item")[:255]
    product.date_updated = now


def hold_owned_changes(
    spec: ProductSpec, binding: ProductBinding, owned: set[str], now: datetime
) -> None:
    """Khaos changed a field a person owns: keep the new value as a pending change."""
    incoming = spec.presentation()
    for name in PRESENTATION_FIELDS:
        if name in owned and incoming[name] != binding.khaos_values.get(name):
            UpstreamChange.objects.update_or_create(
                binding=binding,
                field=name,
                state=UpstreamChange.State.PENDING,
                defaults={"value": incoming[name], "received_at": now},
            )


def write_stock_records(
    specs: Sequence[ProductSpec],
    products: dict[str, Any],
    ctx: CatalogueContext,
    plan: CodePlan,
) -> None:
    """One record per configured site partner; Khaos's gross price on each."""
    sellable = [s for s in specs if s.structure != PARENT]
    ids = [products[s.stock_id].pk for s in sellable]
    existing = {
        (r.product_id, r.partner_id): r for r in StockRecord.objects.filter(product_id__in=ids)
    }
    new, changed = [], []
    for spec in sellable:
        product_id = products[spec.stock_id].pk
        code = plan.codes.get(spec.stock_id, spec.sku)
        sku = code if code is not None else placeholder_sku(spec.sku, spec.stock_id)
        for partner in ctx.partners:
            record = existing.get((product_id, partner.pk))
            if record is None:
                new.append((product_id, partner.pk, sku, spec.price_incl_tax, "GBP", 0))
            elif (record.price, record.partner_sku) != (spec.price_incl_tax, sku):
                record.price, record.partner_sku = spec.price_incl_tax, sku
                changed.append(record)
    insert_rows(
        StockRecord,
        ("product_id", "partner_id", "partner_sku", "price", "price_currency", "num_in_stock"),
        new,
    )
    update_instances(StockRecord, changed, ["price", "partner_sku"])


def write_attributes(
    specs: Sequence[ProductSpec], products: dict[str, Any], ctx: CatalogueContext, now: datetime
) -> None:
    """Variant options (one per SCS heading) and UDAs configured as attributes.

    Two Khaos names that give one shop attribute code (``Colour`` and ``colour``,
    an option and a UDA of one name) keep the first value; the item is flagged.
    """
    values, clean = [], []
    for spec in specs:
        taken: dict[str, str] = {}
        clashes = []
        for name, value in (*spec.options, *spec.attributes):
            attribute = attribute_for(ctx, name)
            if attribute.code in taken:
                clashes.append(f"{taken[attribute.code]!r} and {name!r}")
                continue
            taken[attribute.code] = name
            values.append((products[spec.stock_id].pk, attribute.pk, value))
        if clashes:
            reason = "; ".join(clashes) + " share one shop attribute: the first value was kept"
            open_flag(
                ReviewFlag.Kind.ATTRIBUTE, spec.stock_id, products[spec.stock_id].pk, reason, now
            )
        else:
            clean.append(spec.stock_id)
    close_flags(ReviewFlag.Kind.ATTRIBUTE, clean, now)
    managed = f"SELECT id FROM {table(ProductAttribute)} WHERE product_class_id = %s"
    delete_where(
        ProductAttributeValue,
        "product_id",
        [products[s.stock_id].pk for s in specs],
        f" AND attribute_id IN ({managed})",
        [ctx.product_class.pk],
    )
    insert_rows(ProductAttributeValue, ("product_id", "attribute_id", "value_text"), values)


def tag_ids(names: Iterable[str]) -> dict[str, int]:
    wanted = set(names)
    if not wanted:
        return {}
    ProductTag.objects.bulk_create([ProductTag(name=n) for n in wanted], ignore_conflicts=True)
    return dict(ProductTag.objects.filter(name__in=wanted).values_list("name", "pk"))


def write_tags(
    specs: Sequence[ProductSpec], products: dict[str, Any], owned: dict[str, set[str]]
) -> None:
    targets = [s for s in specs if "tags" not in owned.get(s.stock_id, set())]
    ids = tag_ids(tag for s in targets for tag in s.tags)
    through = Product.tags.through
    delete_where(through, "product_id", [products[s.stock_id].pk for s in targets])
    insert_rows(
        through,
        ("product_id", "producttag_id"),
        [(products[s.stock_id].pk, ids[t]) for s in targets for t in s.tags],
    )


def write_categories(
    specs: Sequence[ProductSpec],
    products: dict[str, Any],
    owned: dict[str, set[str]],
    ctx: CatalogueContext,
) -> None:
    targets = [
        s
        for s in specs
        if s.structure != CHILD and "categories" not in owned.get(s.stock_id, set())
    ]
    delete_where(ProductCategory, "product_id", [products[s.stock_id].pk for s in targets])
    insert_rows(
        ProductCategory,
        ("product_id", "category_id"),
        [
            (products[s.stock_id].pk, ctx.category_ids[c])
            for s in targets
            for c in s.categories
            if c in ctx.category_ids
        ],
    )


def binding_values(spec: ProductSpec, now: datetime) -> dict[str, Any]:
    return {
        "khaos_revised_at": None,
        "stock_code": spec.sku,
        "parent_stock_id": spec.parent_stock_id or "",
        "structure": spec.structure,
        "synced_hash": spec.fingerprint,
        "synced_at": now,
        "khaos_values": spec.presentation(),
        "image_files": list(spec.image_files),
        "discontinued": spec.discontinued,
        "run_to_zero": spec.run_to_zero,
        "stock_controlled": spec.stock_controlled,
        "sales_multiple": spec.sales_multiple,
        "max_display_qty": spec.max_display_qty,
        "availability_text": spec.availability_text[:255],
        "lead_time_days": spec.lead_time_days,
    }


def write_bindings(
    specs: Sequence[ProductSpec],
    products: dict[str, ProductRow],
    bindings: dict[str, ProductBinding],
    now: datetime,
    revised_at: dict[str, datetime],
) -> dict[str, int]:
    """Write the batch's bindings; the binding key of each item."""
    new, new_ids, changed = [], [], []
    for spec in specs:
        values = binding_values(spec, now)
        binding = bindings.get(spec.stock_id)
        values["khaos_revised_at"] = revised_at.get(spec.stock_id) or (
            binding.khaos_revised_at if binding else None
        )
        if binding is None:
            new.append(
                [spec.stock_id, products[spec.stock_id].pk, *(values[n] for n in BINDING_FIELDS)]
            )
            new_ids.append(spec.stock_id)
        else:
            for name, value in values.items():
                setattr(binding, name, value)
            changed.append(binding)
    keys = insert_keyed_rows(ProductBinding, NEW_BINDING_COLUMNS, new)
    update_instances(ProductBinding, changed, BINDING_FIELDS)
    ids = {stock_id: b.pk for stock_id, b in bindings.items()}
    ids.update(zip(new_ids, keys, strict=True))
    return ids


NEW_BINDING_COLUMNS = ("stock_id", "product_id", *BINDING_FIELDS)


def write_bundles(specs: Sequence[ProductSpec], binding_ids: dict[str, int]) -> None:
    """Pack components of the batch's items (``binding_ids``: their bindings' keys)."""
    delete_where(BundleComponent, "bundle_id", [binding_ids[s.stock_id] for s in specs])
    insert_rows(
        BundleComponent,
        ("bundle_id", "component_code", "quantity"),
        [
            (binding_ids[s.stock_id], code, Decimal(qty))
            for s in specs
            for code, qty in dict(s.pack_components).items()
        ],
    )
