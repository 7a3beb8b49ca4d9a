import oscar.apps.catalogue.apps as apps


class CatalogueConfig(apps.CatalogueConfig):
    name = "khaos_sync.shop.oscar_apps.catalogue"
