from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "khaos_sync.shop.payments"
    # "payments" is django-payments' own label.
    label = "khaos_payments"
    verbose_name = "Payments"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from payments.signals import status_changed

        from khaos_sync.shop.payments import placement

        status_changed.connect(
            placement.on_status_changed, sender=self.get_model("Payment"), dispatch_uid="khaos-pay"
        )
