"""Template helpers of the storefront: menus without empty categories, plain text for meta tags."""

from __future__ import annotations

import html
from typing import Any

from django import template
from django.utils.html import strip_tags
from oscar.core.loading import get_model
from oscar.templatetags.category_tags import get_annotated_list

register = template.Library()
Category = get_model("catalogue", "Category")
Product = get_model("catalogue", "Product")


def stocked_paths() -> set[str]:
    """Tree paths of the categories that list at least one product a customer can see."""
    browsable = Product.objects.browsable()
    return set(Category.objects.filter(product__in=browsable).values_list("path", flat=True))


@register.simple_tag
def shop_category_tree(depth: int | None = None) -> list[Any]:
    """Oscar's category tree, less the categories with nothing to show below them.

    A flat list; each entry has ``name``, ``url`` and ``level`` (0 = top).
    """
    paths = stocked_paths()
    return [
        info
        for info in get_annotated_list(depth)
        if any(path.startswith(info.category.path) for path in paths)
    ]


@register.filter
def plain_text(value: str | None) -> str:
    """Stored HTML as plain text, entities decoded, so that autoescaping escapes once.

    Descriptions are kept as sanitised HTML ("Knit &amp; Fleece"); stripping the
    tags alone leaves the entity, which the template would escape a second time.
    """
    return html.unescape(strip_tags(value or "")).strip()
