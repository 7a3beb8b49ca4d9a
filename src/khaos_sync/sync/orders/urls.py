"""Dashboard pages of this flow (staff only), mounted under /dashboard/khaos/orders/."""

from django.urls import URLPattern, path

from khaos_sync.sync.orders import views

app_name = "khaos-orders"
urlpatterns: list[URLPattern] = [
    path("", views.ExportListView.as_view(), name="list"),
    path("retry/", views.BulkRetryView.as_view(), name="bulk-retry"),
    path("<int:pk>/retry/", views.RetryView.as_view(), name="retry"),
]
