from __future__ import annotations

from django.apps import AppConfig


class ShopConfig(AppConfig):
    """Project-level pieces of the shop: health endpoints, templates, commands."""

    name = "khaos_sync.shop"
    label = "khaos_shop"
    verbose_name = "khaos-sync shop"
