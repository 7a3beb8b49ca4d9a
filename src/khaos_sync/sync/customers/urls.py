"""Dashboard pages of this flow (staff only), mounted under /dashboard/khaos/customers/."""

from django.urls import path

from khaos_sync.sync.customers import views

app_name = "khaos-customers"
urlpatterns = [
    path("", views.ImportListView.as_view(), name="imports"),
    path("<int:pk>/", views.ImportReportView.as_view(), name="report"),
    path("<int:pk>/report.<str:kind>", views.ReportFileView.as_view(), name="report-file"),
]
