"""Let customers imported from Khaos set their first password through "forgotten password".

They are created with an unusable password (none is imported), and Django's
reset form skips such accounts on purpose: elsewhere they are accounts that
must never log in with a password. Here the opposite holds for one kind of
account only, those the customer import created and that have no password
yet; every other account keeps Django's rule.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.contrib.auth import get_user_model

from khaos_sync.sync.customers.models import CustomerBinding


class ImportedAccountsMixin:
    def get_users(self, email: str) -> Iterator[Any]:
        seen = set()
        for user in super().get_users(email):
            seen.add(user.pk)
            yield user
        for user in imported_without_password(email):
            if user.pk not in seen:
                yield user


def imported_without_password(email: str) -> Iterator[Any]:
    users = get_user_model()._default_manager.filter(
        email__iexact=email,
        is_active=True,
        khaos_customer__source=CustomerBinding.Source.CUSTOMER_IMPORT,
    )
    return (u for u in users if not u.has_usable_password())


def with_imported_accounts(form_class: type) -> type:
    """The shop's reset form, extended (once) to imported accounts."""
    if issubclass(form_class, ImportedAccountsMixin):
        return form_class
    return type(form_class.__name__, (ImportedAccountsMixin, form_class), {})
