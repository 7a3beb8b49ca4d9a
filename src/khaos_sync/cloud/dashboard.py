"""The channel page of the Khaos section: Khaos Control Cloud's calls and what came of them.

Per endpoint, Khaos's last call (time, HTTP status, counts); the pushes the shop
could not read or apply, with their reasons and a link to the failed item that
replays them; and orders delivered that no status has named after ``[cloud]
unconfirmed_hours``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.views.generic import TemplateView

from khaos_sync.cloud import delivery
from khaos_sync.cloud.channel import ROUTES
from khaos_sync.cloud.inbox import FLOW
from khaos_sync.cloud.models import CloudCall, CloudPush
from khaos_sync.sync.core.models import FailedItem

CHANNEL_CONFIG = "channel-config"
SHOWN = 50


@dataclass(frozen=True)
class EndpointRow:
    name: str
    kind: str
    call: CloudCall | None

    @property
    def counts(self) -> str:
        """ "orders 3, created 1": a summary's keys may be "items", which templates cannot loop."""
        counts = self.call.counts if self.call is not None else {}
        return ", ".join(
            f"{name} {value}" for name, value in counts.items() if isinstance(value, int | str)
        )


@dataclass(frozen=True)
class RefusedPush:
    push: CloudPush
    failure: FailedItem | None


def endpoint_rows() -> list[EndpointRow]:
    calls = {call.endpoint: call for call in CloudCall.objects.select_related("push")}
    rows = [EndpointRow(CHANNEL_CONFIG, "configuration", calls.get(CHANNEL_CONFIG))]
    for route in ROUTES:
        kind = "pull" if route.minutes_key else "push"
        rows.append(EndpointRow(route.endpoint.value, kind, calls.get(route.endpoint.value)))
    return rows


def refused_pushes() -> list[RefusedPush]:
    pushes = list(
        CloudPush.objects.filter(state__in=[CloudPush.State.REJECTED, CloudPush.State.FAILED])
        .defer("payload")
        .order_by("-last_received_at")[:SHOWN]
    )
    failures = {
        item.key: item
        for item in FailedItem.objects.filter(flow=FLOW, key__in=[p.key for p in pushes])
    }
    return [RefusedPush(push, failures.get(push.key)) for push in pushes]


class ChannelView(TemplateView):
    template_name = "khaos/cloud/channel.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        from khaos_sync.cloud.channel import channel_settings, transport

        config = settings.KHAOS_SYNC
        return super().get_context_data(
            transport=transport(config),
            channel=channel_settings(config, settings.KHAOS_SITE_URL),
            endpoints=endpoint_rows(),
            refused=refused_pushes(),
            unconfirmed=delivery.unconfirmed().order_by("delivered_at")[:SHOWN],
            unconfirmed_count=delivery.unconfirmed().count(),
            unconfirmed_hours=config["cloud"]["unconfirmed_hours"],
            **kwargs,
        )
