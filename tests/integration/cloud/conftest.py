"""The shop with the cloud transport on, and a client that speaks to it as Khaos Control Cloud."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

USERNAME = "kcc-channel"
PASSWORD = "correct horse battery staple"


def basic(username: str, password: str) -> str:
    token = base64.b64encode(f"{username}:{password}".encode()).decode()
    return f"Basic {token}"


@pytest.fixture
def cloud_settings(configure_khaos: Any) -> Any:
    return configure_khaos(
        # Khaos's own lists, as the simulator knows them.
        khaos={"transport": "cloud", "sales_source": "INTERNET", "company_class": "Internet"},
        cloud={"username": USERNAME, "password": PASSWORD},
        orders={"settle_seconds": 0},
        status={"dispatch_email": False},
    )


class KhaosCloud:
    """Django's test client with the channel's credentials on every call."""

    def __init__(self, password: str = PASSWORD) -> None:
        self.client = Client(HTTP_AUTHORIZATION=basic(USERNAME, password))

    def get(self, path: str, **headers: str) -> Any:
        return self.client.get(path, headers=headers)

    def push(self, path: str, body: bytes) -> Any:
        kind = "application/json" if path.endswith(".json") else "application/xml"
        return self.client.post(path, data=body, content_type=kind)


@pytest.fixture
def kcc(cloud_settings: Any, db: None) -> KhaosCloud:
    return KhaosCloud()


@pytest.fixture
def products(kcc: KhaosCloud) -> list[Any]:
    """Two products Khaos pushed: an SCS variant and a standalone item, with stock."""
    from khaos_sync.sync.catalogue.models import ProductBinding

    fixtures = Path(__file__).resolve().parents[2] / "fixtures" / "kcc"
    kcc.push("/khaos-cloud/stock.json", (fixtures / "stock-upload-scs.json").read_bytes())
    kcc.push(
        "/khaos-cloud/stock-statuses.json", (fixtures / "stock-status-potential.json").read_bytes()
    )
    bindings = ProductBinding.objects.filter(stock_id__in=["9002", "9100"]).select_related(
        "product"
    )
    return [binding.product for binding in bindings.order_by("stock_id")]
