from django.apps import AppConfig


class OrdersSyncConfig(AppConfig):
    name = "khaos_sync.sync.orders"
    label = "khaos_orders"
    verbose_name = "Khaos orders"

    def ready(self) -> None:
        from django.db.models.signals import post_save
        from oscar.apps.checkout.signals import post_checkout
        from oscar.apps.order.signals import order_placed
        from oscar.core.loading import get_model

        from khaos_sync.sync.core.permissions import OPERATE
        from khaos_sync.sync.core.registry import FlowSpec, register_flow
        from khaos_sync.sync.orders import outbox
        from khaos_sync.sync.orders.flow import export_orders_once, retry_failed_item

        post_save.connect(
            outbox.on_order_saved, sender=get_model("order", "Order"), dispatch_uid="khaos-outbox"
        )
        order_placed.connect(outbox.on_order_placed, dispatch_uid="khaos-outbox")
        post_checkout.connect(outbox.on_checkout_finished, dispatch_uid="khaos-outbox")
        register_flow(
            FlowSpec(
                name="orders",
                label="Order export",
                run_once=export_orders_once,
                interval_key="orders.poll_seconds",
                retry=retry_failed_item,
                order=30,  # orders before their status
                urls="khaos_sync.sync.orders.urls",
                navigation=(("Order export", "khaos-orders:list"),),
                permissions={"retry": OPERATE, "bulk-retry": OPERATE},
            )
        )
