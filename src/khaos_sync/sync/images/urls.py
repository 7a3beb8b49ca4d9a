"""Dashboard pages of the image import (staff only), mounted under /dashboard/khaos/images/."""

from django.urls import path

from khaos_sync.sync.images import views

app_name = "khaos-images"
urlpatterns = [
    path("", views.ImportImagesView.as_view(), name="index"),
    path("jobs/<int:pk>/", views.JobView.as_view(), name="job"),
    path("jobs/<int:pk>/progress/", views.JobProgressView.as_view(), name="progress"),
]
