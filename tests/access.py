"""Dashboard accounts for the tests: staff with exactly the Khaos permissions given."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Permission
from django.test import Client

from khaos_sync.dashboard.access import IMPORT_CUSTOMERS, IMPORT_IMAGES, OPERATE, VIEW

EVERY_KHAOS_PERMISSION = (VIEW, OPERATE, IMPORT_CUSTOMERS, IMPORT_IMAGES, "khaos_dashboard.go_live")


def staff_with(user_model: Any, *permissions: str, username: str = "ops@example.com") -> Any:
    user = user_model.objects.create_user(
        username=username, email=username, password="x", is_staff=True
    )
    codenames = [name.split(".", 1)[1] for name in permissions]
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="khaos_dashboard", codename__in=codenames
        )
    )
    return user


def logged_in(user: Any, *, csrf: bool = True) -> Client:
    client = Client(enforce_csrf_checks=csrf)
    client.force_login(user)
    return client
