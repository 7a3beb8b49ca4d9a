from django.apps import AppConfig


class CustomersSyncConfig(AppConfig):
    name = "khaos_sync.sync.customers"
    label = "khaos_customers"
    verbose_name = "Khaos customers"
