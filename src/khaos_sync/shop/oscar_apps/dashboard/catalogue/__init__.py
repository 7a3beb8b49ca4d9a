default_app_config = "khaos_sync.shop.oscar_apps.dashboard.catalogue.apps.CatalogueDashboardConfig"
