"""The command line a retailer's developer uses to set up and run the shop."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

KHAOS_SYNC = [sys.executable, "-m", "khaos_sync.cli"]


def run(args, env, **kwargs):
    return subprocess.run(
        [*KHAOS_SYNC, *args], env=env, capture_output=True, text=True, timeout=300, **kwargs
    )


@pytest.fixture
def fresh_env(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KHAOS_SYNC_", "DJANGO_"))}
    env.pop("DATABASE_URL", None)  # an embedded SQLite shop, whatever the suite runs on
    env["KHAOS_SYNC_DATA_DIR"] = str(tmp_path / "data")
    return env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_version():
    result = run(["--version"], os.environ.copy())
    assert result.returncode == 0
    assert result.stdout.startswith("khaos-sync, version ")


def test_init_prints_a_generated_password_once_and_is_repeatable(fresh_env):
    first = run(["init"], fresh_env)
    assert first.returncode == 0, first.stderr
    assert "admin password (shown once):" in first.stdout
    assert (Path(fresh_env["KHAOS_SYNC_DATA_DIR"]) / "shop.sqlite3").is_file()
    secret_key = Path(fresh_env["KHAOS_SYNC_DATA_DIR"]) / "secret_key"
    assert oct(secret_key.stat().st_mode & 0o777) == "0o600"

    second = run(["init"], fresh_env)
    assert second.returncode == 0, second.stderr
    assert "admin: already exists" in second.stdout
    assert "password" not in second.stdout


def test_bad_configuration_stops_with_the_key_named(fresh_env):
    fresh_env["KHAOS_SYNC_SHOP_SEARCH_BACKEND"] = "lucene"
    result = run(["manage", "check"], fresh_env)
    assert result.returncode != 0
    assert "shop.search_backend must be one of" in result.stderr


def test_the_postgres_search_backend_on_sqlite_is_refused_in_one_line(fresh_env):
    fresh_env["KHAOS_SYNC_SHOP_SEARCH_BACKEND"] = "postgres"
    fresh_env["KHAOS_SYNC_SHOP_DATABASE_URL"] = ""  # SQLite in the data dir
    result = run(["manage", "check"], fresh_env)
    assert result.returncode != 0
    assert result.stderr.strip().splitlines() == [
        'error: configuration: shop.search_backend "postgres" needs a PostgreSQL database: '
        "set shop.database_url to postgres://… or choose another search backend"
    ]


def test_serve_answers_with_static_and_media_files(set_up_env):
    media = Path(set_up_env["KHAOS_SYNC_DATA_DIR"]) / "media" / "hello.txt"
    media.parent.mkdir(parents=True, exist_ok=True)
    media.write_text("uploaded after start")
    port = free_port()
    server = subprocess.Popen(
        [*KHAOS_SYNC, "serve", "--port", str(port), "--workers", "1"],
        env=set_up_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_up(base + "/health")
        with httpx.Client(base_url=base, follow_redirects=True, timeout=10) as client:
            assert client.get("/health/ready").json() == {"status": "ok"}
            assert "khaos-sync shop" in client.get("/").text
            css = client.get("/static/oscar/css/styles.css")
            assert css.status_code == 200 and len(css.content) > 1000
            assert client.get("/media/hello.txt").text == "uploaded after start"
            assert "login" in client.get("/dashboard/").url.path
            server_header = client.get("/health").headers.get("server", "")
            assert "gunicorn" in server_header
    finally:
        server.terminate()
        server.wait(timeout=30)


def wait_until_up(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.3)
    raise AssertionError(f"{url} did not answer within {seconds} s")
