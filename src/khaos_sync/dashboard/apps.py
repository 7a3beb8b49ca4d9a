from django.apps import AppConfig


class KhaosDashboardConfig(AppConfig):
    name = "khaos_sync.dashboard"
    label = "khaos_dashboard"
    verbose_name = "Khaos dashboard"
