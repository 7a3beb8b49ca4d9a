"""Customers: Khaos company (URN) ↔ shop account bindings, and the one-time import."""

from django.apps import AppConfig, apps
from django.conf import settings


class CustomersSyncConfig(AppConfig):
    name = "khaos_sync.sync.customers"
    label = "khaos_customers"
    verbose_name = "Khaos customers"

    def ready(self) -> None:
        from khaos_sync.config import ConfigError
        from khaos_sync.mappers.customers import check_opt_in_statuses
        from khaos_sync.sync.core.permissions import IMPORT_CUSTOMERS
        from khaos_sync.sync.core.registry import FlowSpec, register_flow
        from khaos_sync.sync.customers.flow import import_customers_once, retry_failed_item
        from khaos_sync.sync.customers.password_reset import with_imported_accounts

        try:
            check_opt_in_statuses(settings.KHAOS_SYNC["customers"]["opt_in_mailing_statuses"])
        except ValueError as exc:
            raise ConfigError(f"customers.opt_in_mailing_statuses: {exc}") from None
        register_flow(
            FlowSpec(
                name="customers",
                label="Customer import",
                run_once=import_customers_once,
                retry=retry_failed_item,  # never scheduled: run by a person, once
                order=60,
                urls="khaos_sync.sync.customers.urls",
                navigation=(("Customer import", "khaos-customers:imports"),),
                # Import reports hold e-mail and postal addresses: only for those who import.
                view_permission=IMPORT_CUSTOMERS,
            )
        )
        # Imported accounts have no usable password, which Django's reset form ignores;
        # they must be able to set their first one through "forgotten password".
        shop = apps.get_app_config("oscar")
        shop.password_reset_form = with_imported_accounts(shop.password_reset_form)  # type: ignore[attr-defined]
