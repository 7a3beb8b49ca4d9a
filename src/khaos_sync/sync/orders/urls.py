"""Dashboard pages of this flow (staff only), mounted under /dashboard/khaos/orders/."""

from django.urls import path  # noqa: F401

app_name = "khaos-orders"
urlpatterns: list = []
