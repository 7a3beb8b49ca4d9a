from __future__ import annotations

from django.apps import apps
from django.conf import settings
from django.urls import include, path, re_path
from django.views.static import serve

from khaos_sync.dashboard.access import protected, protected_flow
from khaos_sync.shop import health, metrics
from khaos_sync.sync.core.registry import ordered_flows

# Branded error pages (khaos_sync.shop.errors).
handler404 = "khaos_sync.shop.errors.page_not_found"
handler500 = "khaos_sync.shop.errors.server_error"

# Each flow's pages, as its FlowSpec declares them.
KHAOS_PAGES = [spec for spec in ordered_flows() if spec.urls]

urlpatterns = [
    path("dashboard/khaos/", include(protected("khaos_sync.dashboard.urls"))),
    *(path(f"dashboard/khaos/{spec.name}/", include(protected_flow(spec))) for spec in KHAOS_PAGES),
    # The channel page: not a flow's, so mounted beside them.
    path("dashboard/khaos/cloud/", include(protected("khaos_sync.cloud.dashboard_urls"))),
    path("khaos-cloud/", include("khaos_sync.cloud.urls")),
    path("health", health.liveness, name="health"),
    path("health/ready", health.readiness, name="health-ready"),
    path("metrics", metrics.metrics, name="metrics"),
    path("i18n/", include("django.conf.urls.i18n")),
    # Provider callbacks (Stripe webhooks, PayPal/Opayo returns): public, each verified.
    path("payments/", include("payments.urls")),
    path("", include(apps.get_app_config("oscar").urls[0])),  # type: ignore[attr-defined]
]

if settings.SERVE_MEDIA:
    # Product images are uploaded at run time, so the static-file middleware
    # (which indexes files at start) cannot serve them; Django's view can.
    urlpatterns.insert(
        0, re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT})
    )
