"""Dashboard pages of this flow (staff only), mounted under /dashboard/khaos/status/."""

from django.urls import path  # noqa: F401

app_name = "khaos-status"
urlpatterns: list = []
