from django.apps import AppConfig


class StockSyncConfig(AppConfig):
    name = "khaos_sync.sync.stock"
    label = "khaos_stock"
    verbose_name = "Khaos stock"

    def ready(self) -> None:
        from khaos_sync.sync.core.registry import FlowSpec, register_flow
        from khaos_sync.sync.stock.flow import retry_failed_item, sync_stock_once

        register_flow(
            FlowSpec(
                name="stock",
                label="Stock levels",
                run_once=sync_stock_once,
                interval_key="stock.interval_minutes",
                retry=retry_failed_item,
                order=20,
                urls="khaos_sync.sync.stock.urls",
            )
        )
