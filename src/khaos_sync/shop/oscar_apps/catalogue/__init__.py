default_app_config = "khaos_sync.shop.oscar_apps.catalogue.apps.CatalogueConfig"
