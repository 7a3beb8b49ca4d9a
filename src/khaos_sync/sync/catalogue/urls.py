"""Dashboard pages of the catalogue flow (staff only), under /dashboard/khaos/catalogue/."""

from django.urls import path

from khaos_sync.sync.catalogue import views

app_name = "khaos-catalogue"
urlpatterns = [
    path("review/", views.AwaitingReviewView.as_view(), name="review"),
    path("changes/", views.UpstreamChangesView.as_view(), name="changes"),
    path("changes/<int:pk>/accept/", views.DecideChangeView.as_view(), name="accept"),
    path("changes/<int:pk>/dismiss/", views.DismissChangeView.as_view(), name="dismiss"),
]
