"""``[khaos] transport`` chooses how the shop reaches Khaos: what runs, what is asked."""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from click.testing import CliRunner

from khaos_sync.backends import TransportNotAvailable
from khaos_sync.sync.core.models import FailedItem
from khaos_sync.worker.schedule import scheduled_flows

pytestmark = pytest.mark.django_db


def use_transport(settings: Any, transport: str) -> None:
    values = {section: dict(keys) for section, keys in settings.KHAOS_SYNC.items()}
    values["khaos"]["transport"] = transport
    values["khaos"]["url"] = values["khaos"]["url"] or "http://127.0.0.1:9/soap/IKosWeb"
    values["cloud"].update(username="kcc-channel", password="a-long-channel-password")
    settings.KHAOS_SYNC = values
    settings.KHAOS_SITE_URL = "https://shop.example.co.uk"


def scheduled_names() -> set[str]:
    return {item.spec.name for item in scheduled_flows()}


def test_the_worker_runs_the_flows_of_its_transport(settings: Any) -> None:
    use_transport(settings, "soap")
    soap = scheduled_names()
    use_transport(settings, "cloud")
    cloud = scheduled_names()

    assert {"catalogue", "stock", "orders", "status"} <= soap and "cloud" not in soap
    assert "cloud" in cloud and not {"catalogue", "stock", "orders", "status"} & cloud
    # A flow named on the command line runs whatever the transport.
    assert {item.spec.name for item in scheduled_flows(["stock"])} == {"stock"}


def test_on_the_cloud_transport_a_pull_says_what_happens_instead(settings: Any) -> None:
    from khaos_sync.sync.stock.flow import sync_stock_once

    use_transport(settings, "cloud")
    with pytest.raises(TransportNotAvailable, match=r"transport is cloud.*does not call Khaos"):
        sync_stock_once()


def test_check_on_the_cloud_transport_says_what_to_enter_in_khaos(settings: Any) -> None:
    from khaos_sync.cli.check import check

    use_transport(settings, "cloud")
    result = CliRunner().invoke(check, [], catch_exceptions=False)

    assert "https://shop.example.co.uk/khaos-cloud/channel-config.json" in result.output
    assert "kcc-channel" in result.output
    assert "GetVersion" not in result.output  # Khaos was not asked anything


def test_failures_kept_under_soap_operation_names_are_renamed_for_their_retries() -> None:
    from django.apps import apps

    from khaos_sync.sync.customers.importer import requested_codes

    migration = importlib.import_module("khaos_sync.sync.core.migrations.0004_domain_failure_keys")
    FailedItem.objects.create(flow="stock", key="ExportStockStatus A1…A9", error="x")
    FailedItem.objects.create(flow="catalogue", key="ExportStock B1…B2", error="x")
    FailedItem.objects.create(
        flow="customers",
        key="ExportCompany C1…C3",
        payload="ExportCompany CompanyCode=C1,C2,C3",
        error="x",
    )
    FailedItem.objects.create(flow="catalogue", key="ExportStockCode", error="x")

    migration.forwards(apps, None)

    keys = set(FailedItem.objects.values_list("key", flat=True))
    assert keys == {"levels A1…A9", "item-details B1…B2", "customers C1…C3", "ExportStockCode"}
    customers = FailedItem.objects.get(flow="customers")
    assert requested_codes(customers.payload) == ["C1", "C2", "C3"]
