from django.apps import AppConfig


class StatusSyncConfig(AppConfig):
    name = "khaos_sync.sync.status"
    label = "khaos_status"
    verbose_name = "Khaos status"

    def ready(self) -> None:
        from khaos_sync.sync.core.registry import FlowSpec, register_flow
        from khaos_sync.sync.status.flow import retry_failed_item, sync_status_once

        register_flow(
            FlowSpec(
                name="status",
                label="Order status",
                run_once=sync_status_once,
                interval_key="status.interval_minutes",
                retry=retry_failed_item,
                order=40,
                urls="khaos_sync.sync.status.urls",
            )
        )
