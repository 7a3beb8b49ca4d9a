from django.apps import AppConfig


class StatusSyncConfig(AppConfig):
    name = "khaos_sync.sync.status"
    label = "khaos_status"
    verbose_name = "Khaos status"
