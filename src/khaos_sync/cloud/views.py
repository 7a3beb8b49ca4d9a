"""The channel endpoints: the configuration, the pushes and the pulls.

Every endpoint needs HTTP Basic auth, including the configuration. They
answer only when ``[khaos] transport = "cloud"``: with the SOAP transport the
shop sends orders itself and must not hand them out twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from khaos_sync.cloud import auth, delivery, inbox
from khaos_sync.cloud.channel import BY_SLUG, entries
from khaos_sync.cloud.models import CloudCall, CloudPush
from khaos_sync.protocol.cloud.config import Endpoint, write_channel_config
from khaos_sync.protocol.cloud.orders import write_order_download
from khaos_sync.protocol.cloud.payload import Format
from khaos_sync.protocol.cloud.returns import write_return_download

log = logging.getLogger(__name__)

CONTINUATION = "Sirion-Continuation"
PUSH_METHODS = ("POST", "PUT")
PULLS = {Endpoint.ORDER_DOWNLOAD, Endpoint.CRETURN_DOWNLOAD}


def _format(ext: str) -> Format:
    return Format.JSON if ext == "json" else Format.XML


def _cloud_only() -> None:
    if settings.KHAOS_SYNC["khaos"]["transport"] != "cloud":
        raise Http404("the Khaos Control Cloud channel is off ([khaos] transport is not cloud)")


def _answer(body: bytes, fmt: Format, status: int = 200) -> HttpResponse:
    return HttpResponse(body, status=status, content_type=f"{fmt.content_type}; charset=utf-8")


def _text(message: str, status: int) -> HttpResponse:
    return HttpResponse(message + "\n", status=status, content_type="text/plain; charset=utf-8")


def _called(
    endpoint: str,
    response: HttpResponse,
    outcome: str,
    counts: dict[str, Any] | None = None,
    push: CloudPush | None = None,
) -> HttpResponse:
    """Keep Khaos's last call of each endpoint, for the dashboard."""
    CloudCall.objects.update_or_create(
        endpoint=endpoint,
        defaults={
            "called_at": timezone.now(),
            "status": response.status_code,
            "outcome": outcome,
            "counts": counts or {},
            "push": push,
        },
    )
    return response


def guarded(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Cloud transport on, credentials right; anything else is refused before any work."""

    @csrf_exempt
    def wrapper(request: HttpRequest, **kwargs: str) -> HttpResponse:
        _cloud_only()
        name = kwargs.get("slug", "channel-config")
        if not auth.authorised(request):
            return _called(name, auth.refuse(request, name), "refused: credentials")
        return view(request, **kwargs)

    wrapper.__name__ = view.__name__
    return wrapper


@guarded
def channel_config(request: HttpRequest, ext: str) -> HttpResponse:
    if request.method != "GET":
        return _text("use GET", 405)
    fmt = _format(ext)
    return _called(
        "channel-config", _answer(write_channel_config(entries(request), fmt), fmt), "served"
    )


@guarded
def endpoint(request: HttpRequest, slug: str, ext: str) -> HttpResponse:
    route = BY_SLUG.get(slug)
    if route is None:
        raise Http404(f"no channel endpoint {slug}")
    fmt = _format(ext)
    if route.endpoint in PULLS:
        if request.method != "GET":
            return _text("use GET", 405)
        return pull(request, route.endpoint, fmt)
    if request.method not in PUSH_METHODS:
        return _text("use POST", 405)
    return push(request, route.endpoint, fmt)


def pull(request: HttpRequest, name: Endpoint, fmt: Format) -> HttpResponse:
    if name is Endpoint.CRETURN_DOWNLOAD:
        return _called(name.value, _answer(write_return_download(fmt), fmt), "served: no returns")
    continuation = request.headers.get(CONTINUATION)
    specific = [
        ref.strip() for ref in request.headers.get("SpecificIDs", "").split(",") if ref.strip()
    ]
    page = delivery.pull(continuation, specific or None)
    response = _answer(write_order_download(page.orders, fmt), fmt)
    response[CONTINUATION] = page.continuation
    log.info(
        "orders served",
        extra={
            "orders": len(page.orders),
            "specific": len(specific),
            "continuation": page.continuation,
        },
    )
    counts = {"orders": len(page.orders), "asked_for": len(specific)}
    return _called(name.value, response, f"served {len(page.orders)} orders", counts)


def push(request: HttpRequest, name: Endpoint, fmt: Format) -> HttpResponse:
    limit = int(settings.KHAOS_SYNC["cloud"]["max_payload_bytes"])
    declared = request.META.get("CONTENT_LENGTH") or "0"
    if declared.isdigit() and int(declared) > limit:
        return _called(name.value, _text(f"payload larger than {limit} bytes", 413), "too large")
    # Read past the limit by one byte to tell "at the limit" from "over it".
    body = request.read(limit + 1)
    if len(body) > limit:
        return _called(name.value, _text(f"payload larger than {limit} bytes", 413), "too large")
    answer = inbox.receive(name, fmt, body)
    response = _text(answer.reason, answer.status)
    counts = answer.push.summary if answer.push is not None else {}
    return _called(name.value, response, answer.reason, counts, answer.push)
