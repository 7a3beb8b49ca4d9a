from django.apps import AppConfig


class OrdersSyncConfig(AppConfig):
    name = "khaos_sync.sync.orders"
    label = "khaos_orders"
    verbose_name = "Khaos orders"
