from django.apps import AppConfig


class ImagesSyncConfig(AppConfig):
    name = "khaos_sync.sync.images"
    label = "khaos_images"
    verbose_name = "Khaos images"
