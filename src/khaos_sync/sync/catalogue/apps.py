from datetime import timedelta

from django.apps import AppConfig


class CatalogueSyncConfig(AppConfig):
    name = "khaos_sync.sync.catalogue"
    label = "khaos_catalogue"
    verbose_name = "Khaos catalogue sync"

    def ready(self) -> None:
        from khaos_sync.sync.catalogue.flow import retry_failed_item, sync_catalogue_once
        from khaos_sync.sync.core.registry import FlowSpec, register_flow

        register_flow(
            FlowSpec(
                name="catalogue",
                label="Catalogue",
                run_once=sync_catalogue_once,
                interval=timedelta(hours=1),
                retry=retry_failed_item,
            )
        )
