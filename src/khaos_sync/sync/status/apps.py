from datetime import timedelta

from django.apps import AppConfig
from django.conf import settings


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
                interval=timedelta(minutes=settings.KHAOS_SYNC["status"]["interval_minutes"]),
                retry=retry_failed_item,
            )
        )
