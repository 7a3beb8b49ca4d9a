"""TLS: verification is on by default, and a CA bundle for a self-signed Khaos server works."""

from __future__ import annotations

import inspect
import shutil
import ssl
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from khaos_sync.protocol.client import KhaosClient, TlsVerificationError
from khaos_sync.protocol.errors import TransientError

from . import responses
from .stub_server import RunningServer, StubServer


def test_verification_is_on_unless_switched_off_explicitly() -> None:
    assert inspect.signature(KhaosClient).parameters["verify"].default is True
    client = KhaosClient("https://khaos.example/KhaosKSD.exe/soap/IKosWeb")
    assert client.ssl_context is not None
    assert client.ssl_context.verify_mode == ssl.CERT_REQUIRED
    assert client.ssl_context.check_hostname


def test_missing_ca_bundle_is_an_error_not_a_silent_fallback(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        KhaosClient("https://khaos.example/", verify=str(tmp_path / "missing.pem"))


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make a self-signed certificate")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "khaos.pem", folder / "khaos.key"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
            "-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1",
            "-addext", "subjectAltName=IP:127.0.0.1",
            "-addext", "basicConstraints=critical,CA:TRUE",
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return cert, key


@pytest.fixture
def tls_stub(certificate: tuple[Path, Path]) -> Iterator[StubServer]:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*map(str, certificate))
    server = StubServer()
    with RunningServer(server, tls=context):
        yield server


def test_ca_bundle_is_passed_through(certificate: tuple[Path, Path], tls_stub: StubServer) -> None:
    cert, _ = certificate
    tls_stub.answer(responses.response("GetVersion", "<return>7.2</return>"))
    with KhaosClient(tls_stub.url, verify=str(cert)) as client:
        assert client.ssl_context is not None
        subjects = [
            dict(entry[0] for entry in ca["subject"]) for ca in client.ssl_context.get_ca_certs()
        ]
        assert {"commonName": "127.0.0.1"} in subjects
        assert client.get_version() == "7.2"


def test_self_signed_server_is_refused_by_default(tls_stub: StubServer) -> None:
    with KhaosClient(tls_stub.url) as client:
        with pytest.raises(TlsVerificationError) as caught:
            client.get_version()
    assert not isinstance(caught.value, TransientError)
    assert not caught.value.retryable
    assert tls_stub.received == []
