"""Dashboard pages of the price list flow, mounted under /dashboard/khaos/prices/."""

from django.urls import URLPattern, path

from khaos_sync.sync.prices import views

app_name = "khaos-prices"
urlpatterns: list[URLPattern] = [
    path("", views.PriceListsView.as_view(), name="list"),
    path("check/", views.PriceCheckView.as_view(), name="check"),
    path("<int:pk>/", views.PriceListDetailView.as_view(), name="detail"),
]
