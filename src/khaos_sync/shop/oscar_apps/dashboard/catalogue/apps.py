import oscar.apps.dashboard.catalogue.apps as apps


class CatalogueDashboardConfig(apps.CatalogueDashboardConfig):
    name = "khaos_sync.shop.oscar_apps.dashboard.catalogue"
