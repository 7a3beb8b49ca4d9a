"""Dashboard pages of this flow (staff only), mounted under /dashboard/khaos/catalogue/."""

from django.urls import path  # noqa: F401

app_name = "khaos-catalogue"
urlpatterns: list = []
