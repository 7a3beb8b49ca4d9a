"""The Khaos section of the dashboard mounted under /dashboard/khaos/ (permissions: access.py)."""

from django.urls import path

from khaos_sync.dashboard import views

app_name = "khaos-dashboard"
urlpatterns = [
    path("", views.OverviewView.as_view(), name="index"),
    path("runs/", views.RunListView.as_view(), name="runs"),
    path("runs/<int:pk>/", views.RunDetailView.as_view(), name="run"),
    path("failures/", views.FailureListView.as_view(), name="failures"),
    path("failures/retry/", views.BulkRetryView.as_view(), name="failures-retry"),
    path("failures/<int:pk>/", views.FailureDetailView.as_view(), name="failure"),
    path("failures/<int:pk>/retry/", views.RetryView.as_view(), name="failure-retry"),
    path("golive/", views.GoLiveView.as_view(), name="golive"),
    path("run-now/", views.RunNowView.as_view(), name="run-now"),
    path("ping/", views.PingView.as_view(), name="ping"),
]
