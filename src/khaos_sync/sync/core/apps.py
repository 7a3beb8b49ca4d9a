from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "khaos_sync.sync.core"
    label = "khaos_core"
    verbose_name = "Khaos sync"
