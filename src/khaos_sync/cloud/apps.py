from datetime import timedelta

from django.apps import AppConfig


class CloudConfig(AppConfig):
    name = "khaos_sync.cloud"
    label = "khaos_cloud"
    verbose_name = "Khaos Control Cloud channel"

    def ready(self) -> None:
        from khaos_sync.cloud.inbox import apply_pending, replay_failed_item
        from khaos_sync.sync.core.registry import FlowSpec, register_flow

        register_flow(
            FlowSpec(
                name="cloud",
                label="Khaos Control Cloud inbox",
                run_once=apply_pending,
                every=timedelta(minutes=1),  # Khaos pushes at any time; apply soon after
                retry=replay_failed_item,
            )
        )
