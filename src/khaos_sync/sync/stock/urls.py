"""Dashboard pages of this flow (staff only), mounted under /dashboard/khaos/stock/."""

from typing import Any

from django.urls import path  # noqa: F401

app_name = "khaos-stock"
urlpatterns: list[Any] = []
