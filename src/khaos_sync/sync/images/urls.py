"""Dashboard pages of this flow (staff only), mounted under /dashboard/khaos/images/."""

from django.urls import path  # noqa: F401

app_name = "khaos-images"
urlpatterns: list = []
