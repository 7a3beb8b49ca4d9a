from django.apps import AppConfig


class CatalogueSyncConfig(AppConfig):
    name = "khaos_sync.sync.catalogue"
    label = "khaos_catalogue"
    verbose_name = "Khaos catalogue sync"

    def ready(self) -> None:
        from khaos_sync.sync.catalogue.flow import retry_failed_item, sync_catalogue_once
        from khaos_sync.sync.core.permissions import OPERATE
        from khaos_sync.sync.core.registry import FlowSpec, register_flow

        register_flow(
            FlowSpec(
                name="catalogue",
                label="Catalogue",
                run_once=sync_catalogue_once,
                interval_key="catalogue.interval_minutes",
                retry=retry_failed_item,
                order=10,  # products and categories before their stock levels
                urls="khaos_sync.sync.catalogue.urls",
                navigation=(
                    ("Awaiting review", "khaos-catalogue:review"),
                    ("Upstream changes", "khaos-catalogue:changes"),
                ),
                permissions={"accept": OPERATE, "dismiss": OPERATE},
            )
        )
