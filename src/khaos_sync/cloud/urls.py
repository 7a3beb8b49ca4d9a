from django.urls import re_path

from khaos_sync.cloud import views

app_name = "khaos-cloud"

urlpatterns = [
    re_path(r"^channel-config\.(?P<ext>json|xml)$", views.channel_config, name="channel-config"),
    re_path(r"^(?P<slug>[a-z-]+)\.(?P<ext>json|xml)$", views.endpoint, name="endpoint"),
]
