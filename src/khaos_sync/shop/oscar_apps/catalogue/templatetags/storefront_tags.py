"""Template helpers of the storefront: menus without empty categories, plain text for meta tags."""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

from django import template
from django.urls import reverse
from django.utils.html import strip_tags
from oscar.core.loading import get_model

register = template.Library()
Category = get_model("catalogue", "Category")
Product = get_model("catalogue", "Product")


def stocked_paths() -> set[str]:
    """Tree paths of the categories that list at least one product a customer can see."""
    browsable = Product.objects.browsable()
    return set(Category.objects.filter(product__in=browsable).values_list("path", flat=True))


@dataclass(frozen=True)
class MenuEntry:
    """One category of the storefront's menu; ``level`` 0 is the top."""

    pk: int
    name: str
    url: str
    level: int


@register.simple_tag
def shop_category_tree(depth: int | None = None) -> list[MenuEntry]:
    """The menu's categories in tree order, less those with nothing to show below them.

    Read in one query through the manager's tree (treebeard 7's place for it);
    each category's full slug is gathered on the walk down instead of asking
    the database for its ancestors.
    """
    paths = stocked_paths()
    entries: list[MenuEntry] = []
    slugs: list[str] = []  # the slugs from the top down to the category in hand
    for category in Category.objects.get_tree(max_depth=depth).for_menu():
        level = category.depth - 1
        del slugs[level:]
        slugs.append(category.slug)
        if any(path.startswith(category.path) for path in paths):
            full_slug = Category._slug_separator.join(slugs)
            url = reverse(
                "catalogue:category", kwargs={"category_slug": full_slug, "pk": category.pk}
            )
            entries.append(MenuEntry(category.pk, category.name, url, level))
    return entries


@register.filter
def ancestors(category: Any) -> list[Any]:
    """The category's ancestors from the top down, read through the manager."""
    return list(Category.objects.get_ancestors(category))


@register.filter
def plain_text(value: str | None) -> str:
    """Stored HTML as plain text, entities decoded, so that autoescaping escapes once.

    Descriptions are kept as sanitised HTML ("Knit &amp; Fleece"); stripping the
    tags alone leaves the entity, which the template would escape a second time.
    """
    return html.unescape(strip_tags(value or "")).strip()
