"""Field ownership: what a person edited, and the Khaos changes held for them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone
from oscar.core.loading import get_model

from khaos_sync.mappers.products import PRESENTATION_FIELDS
from khaos_sync.sync.catalogue.models import CategoryBinding, ProductBinding, UpstreamChange

ProductTag = get_model("catalogue", "ProductTag")
TEXT_FIELDS = ("title", "summary", "description", "meta_title", "meta_description", "meta_keywords")
# Dashboard formsets whose change means a person took over a presentation field.
FORMSET_FIELDS = {"category_formset": "categories", "image_formset": "images"}


def edited_presentation_fields(form: Any, formsets: dict[str, Any]) -> set[str]:
    edited = {name for name in form.changed_data if name in PRESENTATION_FIELDS}
    for formset_name, field in FORMSET_FIELDS.items():
        formset = formsets.get(formset_name)
        if formset is not None and formset.has_changed():
            edited.add(field)
    return edited


def record_person_edits(product: Any, fields: Iterable[str]) -> None:
    fields = set(fields)
    if not fields:
        return
    binding = ProductBinding.objects.filter(product=product).first()
    if binding is None:
        return  # not a Khaos product: nothing to protect from the sync
    binding.owned_fields = sorted(set(binding.owned_fields) | fields)
    binding.save(update_fields=["owned_fields"])


def pending_changes_for(product: Any) -> list[UpstreamChange]:
    return list(
        UpstreamChange.objects.filter(
            binding__product=product, state=UpstreamChange.State.PENDING
        ).order_by("field")
    )


@transaction.atomic
def accept_change(change: UpstreamChange, user: Any) -> None:
    """Apply Khaos's value; the field stays the person's (they chose this value)."""
    product = change.binding.product
    if change.field in TEXT_FIELDS:
        setattr(product, change.field, change.value or "")
        product.save()
    elif change.field == "tags":
        tags = [ProductTag.objects.get_or_create(name=name)[0] for name in change.value]
        product.tags.set(tags)
    elif change.field == "categories":
        ids = CategoryBinding.objects.filter(khaos_id__in=change.value).values_list(
            "category_id", flat=True
        )
        product.categories.set(list(ids))
    decide(change, UpstreamChange.State.ACCEPTED, user)


def dismiss_change(change: UpstreamChange, user: Any) -> None:
    decide(change, UpstreamChange.State.DISMISSED, user)


def decide(change: UpstreamChange, state: str, user: Any) -> None:
    change.state = state
    change.decided_at = timezone.now()
    change.decided_by = user if getattr(user, "is_authenticated", False) else None
    change.save(update_fields=["state", "decided_at", "decided_by"])
