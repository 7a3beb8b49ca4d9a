"""``/metrics``: Prometheus text format.

Access: with ``[worker] metrics_token`` set, a scraper must send
``Authorization: Bearer <token>``; without one, only requests from the machine
itself are answered, and never proxied ones (a reverse proxy on the same host
would otherwise make every visitor look local).
"""

from __future__ import annotations

import hmac

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST

from khaos_sync.sync.core.metrics import exposition

LOOPBACK = {"127.0.0.1", "::1"}


def allowed(request: HttpRequest) -> bool:
    token = settings.KHAOS_SYNC["worker"]["metrics_token"]
    if token:
        sent = request.headers.get("Authorization", "")
        return hmac.compare_digest(sent.encode(), f"Bearer {token}".encode())
    proxied = "HTTP_X_FORWARDED_FOR" in request.META or "HTTP_FORWARDED" in request.META
    return request.META.get("REMOTE_ADDR") in LOOPBACK and not proxied


@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    if not allowed(request):
        response = HttpResponse("metrics need a bearer token\n", status=401)
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    return HttpResponse(exposition(), content_type=CONTENT_TYPE_LATEST)
