import oscar.apps.dashboard.apps as apps


class DashboardConfig(apps.DashboardConfig):
    name = "khaos_sync.shop.oscar_apps.dashboard"
