"""Dashboard pages of this flow (staff only), mounted under /dashboard/khaos/customers/."""

from django.urls import path  # noqa: F401

app_name = "khaos-customers"
urlpatterns: list = []
