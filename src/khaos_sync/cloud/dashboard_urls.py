"""The channel page, mounted under /dashboard/khaos/cloud/ (permissions: dashboard/access.py)."""

from django.urls import path

from khaos_sync.cloud import dashboard

app_name = "khaos-cloud-dashboard"
urlpatterns = [path("", dashboard.ChannelView.as_view(), name="index")]
