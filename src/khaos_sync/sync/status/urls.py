"""Dashboard pages of this flow (staff only), mounted under /dashboard/khaos/status/."""

from django.urls import URLPattern, path  # noqa: F401

app_name = "khaos-status"
urlpatterns: list[URLPattern] = []
