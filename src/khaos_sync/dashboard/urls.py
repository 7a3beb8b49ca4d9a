"""The Khaos section of the dashboard (staff only), mounted under /dashboard/khaos/."""

from django.urls import path  # noqa: F401

app_name = "khaos-dashboard"
urlpatterns: list = []
