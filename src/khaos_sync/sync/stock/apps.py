from django.apps import AppConfig


class StockSyncConfig(AppConfig):
    name = "khaos_sync.sync.stock"
    label = "khaos_stock"
    verbose_name = "Khaos stock"
