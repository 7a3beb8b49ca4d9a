import oscar.apps.checkout.apps as apps
from django.urls import path
from oscar.core.loading import get_class


class CheckoutConfig(apps.CheckoutConfig):
    name = "khaos_sync.shop.oscar_apps.checkout"

    def ready(self):  # type: ignore[no-untyped-def]
        super().ready()
        self.pay_view = get_class("checkout.views", "PayView")
        self.payment_return_view = get_class("checkout.views", "PaymentReturnView")
        self.payment_failed_view = get_class("checkout.views", "PaymentFailedView")

    def get_urls(self):  # type: ignore[no-untyped-def]
        urls = [
            path("pay/<uuid:token>/", self.pay_view.as_view(), name="pay"),
            path(
                "pay/<uuid:token>/return/",
                self.payment_return_view.as_view(),
                name="payment-return",
            ),
            path(
                "pay/<uuid:token>/failed/",
                self.payment_failed_view.as_view(),
                name="payment-failed",
            ),
        ]
        return super().get_urls() + self.post_process_urls(urls)
