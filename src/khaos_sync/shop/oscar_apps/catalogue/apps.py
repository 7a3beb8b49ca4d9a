import oscar.apps.catalogue.apps as apps
from django.urls import re_path
from oscar.core.loading import get_class


class CatalogueConfig(apps.CatalogueConfig):
    name = "khaos_sync.shop.oscar_apps.catalogue"

    def ready(self):  # type: ignore[no-untyped-def]
        super().ready()
        self.variant_add_view = get_class("catalogue.views", "VariantAddView")

    def get_urls(self):  # type: ignore[no-untyped-def]
        picker = re_path(
            r"^(?P<product_slug>[\w-]*)_(?P<pk>\d+)/choose/$",
            self.variant_add_view.as_view(),
            name="variant-add",
        )
        return [*super().get_urls(), *self.post_process_urls([picker])]
