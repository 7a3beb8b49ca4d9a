from django.apps import AppConfig


class PricesSyncConfig(AppConfig):
    name = "khaos_sync.sync.prices"
    label = "khaos_prices"
    verbose_name = "Khaos price lists"

    def ready(self) -> None:
        from khaos_sync.sync.core.permissions import VIEW_PRICES
        from khaos_sync.sync.core.registry import FlowSpec, register_flow
        from khaos_sync.sync.prices.flow import retry_failed_item, sync_prices_once

        register_flow(
            FlowSpec(
                name="prices",
                label="Price lists",
                run_once=sync_prices_once,
                interval_key="prices.interval_minutes",
                retry=retry_failed_item,
                order=15,  # after the catalogue, before stock
                urls="khaos_sync.sync.prices.urls",
                navigation=(("Price lists", "khaos-prices:list"),),
                view_permission=VIEW_PRICES,
            )
        )
