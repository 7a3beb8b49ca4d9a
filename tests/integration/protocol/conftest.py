from __future__ import annotations

from collections.abc import Iterator

import pytest

from khaos_sync.protocol.client import KhaosClient

from .stub_server import RunningServer, StubServer


@pytest.fixture
def stub() -> Iterator[StubServer]:
    server = StubServer()
    with RunningServer(server):
        yield server


@pytest.fixture
def client(stub: StubServer) -> Iterator[KhaosClient]:
    with KhaosClient(stub.url, timeout=5.0, connect_timeout=2.0) as khaos:
        yield khaos
