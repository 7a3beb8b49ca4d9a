"""/metrics shows Prometheus counters that move as the sync works, to the right scrapers only."""

from __future__ import annotations

import re

import pytest

from khaos_sync.sync.core.backend import khaos_client
from tests.integration.ops.flows import fail_item, register, sleeping_flow

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("test_flows")]


def sample(text: str, name: str, **labels: str) -> float | None:
    wanted = ",".join(f'{key}="{value}"' for key, value in labels.items())
    pattern = (
        rf"^{re.escape(name)}\{{{re.escape(wanted)}\}} (\S+)$" if labels else rf"^{name} (\S+)$"
    )
    match = re.search(pattern, text, re.M)
    return None if match is None else float(match.group(1))


def scrape(client) -> str:  # type: ignore[no-untyped-def]
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    return response.content.decode()


def test_run_and_item_counters_move(client):
    from khaos_sync.worker.loop import Worker

    register("alpha", sleeping_flow("alpha", 0, items=3))
    before = scrape(client)
    assert sample(before, "khaos_sync_runs_total", flow="alpha", outcome="succeeded") is None

    Worker().run_due_once()
    fail_item("alpha", "ACM001")
    after = scrape(client)
    assert sample(after, "khaos_sync_runs_total", flow="alpha", outcome="succeeded") == 1
    assert sample(after, "khaos_sync_items_total", flow="alpha", outcome="updated") == 3
    assert sample(after, "khaos_sync_failed_items", flow="alpha", state="open") == 1
    assert sample(after, "khaos_sync_last_success_timestamp_seconds", flow="alpha") is not None
    assert sample(after, "khaos_sync_dry_run") == 0


def test_khaos_call_latency_and_connection_status(client, khaos_settings):
    with khaos_client() as khaos:
        khaos.get_version()
        khaos.get_site_list()
    text = scrape(client)
    count = sample(
        text, "khaos_sync_khaos_call_seconds_count", operation="GetVersion", outcome="ok"
    )
    assert count is not None and count >= 1
    assert sample(text, "khaos_sync_khaos_up") == 1


def test_a_token_is_required_once_configured(client, settings):
    settings.KHAOS_SYNC = {**settings.KHAOS_SYNC, "worker": {**settings.KHAOS_SYNC["worker"]}}
    settings.KHAOS_SYNC["worker"]["metrics_token"] = "s3cret-scraper-token-123"
    assert client.get("/metrics").status_code == 401
    bad = client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong")
    assert bad.status_code == 401
    good = client.get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret-scraper-token-123")
    assert good.status_code == 200


def test_without_a_token_only_local_unproxied_scrapers_get_in(client):
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.9").status_code == 401
    assert client.get("/metrics", HTTP_X_FORWARDED_FOR="203.0.113.9").status_code == 401


def test_health_endpoints_are_public(client):
    assert client.get("/health").json() == {"status": "ok"}
    assert client.get("/health/ready").json() == {"status": "ok"}
