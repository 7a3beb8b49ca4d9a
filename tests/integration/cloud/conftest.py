"""The shop with the cloud transport on, and a client that speaks to it as Khaos Control Cloud."""

from __future__ import annotations

import base64
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
