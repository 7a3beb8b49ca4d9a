from __future__ import annotations

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ShopConfig(AppConfig):
    """Project-level pieces of the shop: health endpoints, templates, commands."""

    name = "khaos_sync.shop"
    label = "khaos_shop"
    verbose_name = "khaos-sync shop"

    def ready(self) -> None:
        from khaos_sync.shop.site import sync_site

        # After the sites app has created its default "example.com" row.
        post_migrate.connect(sync_site, dispatch_uid="khaos_sync.shop.sync_site")
