"""The endpoints the shop publishes, as listed in its channel configuration."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

from khaos_sync.protocol.cloud.config import Endpoint, EndpointEntry
from khaos_sync.protocol.cloud.payload import Format


@dataclass(frozen=True)
class Route:
    endpoint: Endpoint
    slug: str
    minutes_key: str | None = None  # the [cloud] key of a pull's frequency


ROUTES: Final = (
    Route(Endpoint.ORDER_DOWNLOAD, "orders", "order_minutes"),
    Route(Endpoint.ORDER_STATUS_UPLOAD, "order-statuses"),
    Route(Endpoint.STOCK_UPLOAD, "stock"),
    Route(Endpoint.STOCK_STATUS_UPLOAD, "stock-statuses"),
    Route(Endpoint.PRICE_LIST_UPLOAD, "price-lists"),
    Route(Endpoint.CRETURN_DOWNLOAD, "returns", "return_minutes"),
)
BY_SLUG: Final = {route.slug: route for route in ROUTES}


def channel_format() -> Format:
    return Format.named(settings.KHAOS_SYNC["cloud"]["format"])


def base_url(request: HttpRequest) -> str:
    site = str(settings.KHAOS_SYNC["shop"]["site_url"]).rstrip("/")
    return site or request.build_absolute_uri("/").rstrip("/")


def endpoint_url(request: HttpRequest, slug: str, fmt: Format) -> str:
    path = reverse("khaos-cloud:endpoint", kwargs={"slug": slug, "ext": fmt.value.lower()})
    return base_url(request) + path


def entries(request: HttpRequest) -> list[EndpointEntry]:
    fmt = channel_format()
    config = settings.KHAOS_SYNC["cloud"]
    return [
        EndpointEntry(
            name=route.endpoint,
            url=endpoint_url(request, route.slug, fmt),
            format=fmt,
            frequency=None if route.minutes_key is None else int(config[route.minutes_key]),
        )
        for route in ROUTES
    ]


SOAP = "soap"
CLOUD = "cloud"


def transport(config: Mapping[str, Any]) -> str:
    """``[khaos] transport``, "soap" when the key is absent."""
    return str(config.get("khaos", {}).get("transport") or SOAP).lower()


@dataclass(frozen=True)
class ChannelSettings:
    """What a person types into the channel's settings in Khaos Control Cloud."""

    config_url: str
    username: str
    site_url_set: bool


def channel_settings(config: Mapping[str, Any], site_url: str) -> ChannelSettings:
    cloud = config["cloud"]
    ext = str(cloud["format"]).lower()
    path = reverse("khaos-cloud:channel-config", kwargs={"ext": ext})
    base = site_url.rstrip("/")
    return ChannelSettings(
        config_url=(base or "https://<your shop>") + path,
        username=str(cloud["username"]),
        site_url_set=bool(base),
    )
