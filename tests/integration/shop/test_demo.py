"""``khaos-sync demo``: what a newcomer sees when something is in the way, and on a second run."""

from __future__ import annotations

import os
import re
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

KHAOS_SYNC = [sys.executable, "-m", "khaos_sync.cli"]


def demo_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KHAOS_SYNC_", "DJANGO_"))}
    env.pop("DATABASE_URL", None)
    env["KHAOS_SYNC_DATA_DIR"] = str(tmp_path / "unused")
    return env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def demo(tmp_path: Path, *args: str, timeout: float = 900) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*KHAOS_SYNC, "demo", "--data-dir", str(tmp_path / "demo"), *args],
        env=demo_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_a_taken_port_is_named_at_once(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        started = time.monotonic()
        result = demo(tmp_path, "--port", str(port), "--simulator-port", str(free_port()))
        seconds = time.monotonic() - started
    assert result.returncode == 1
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(f"Error: port {port} on 127.0.0.1 is taken")
    assert "make demo PORT=" in line
    assert seconds < 30  # no waiting for a shop that cannot start


def test_a_second_run_publishes_and_orders_nothing_again(tmp_path):
    ports = ["--port", str(free_port()), "--simulator-port", str(free_port())]
    first = demo(tmp_path, "--once", "--items", "30", *ports)
    assert first.returncode == 0, first.stderr
    published = re.search(r"review: (\d+) products published", first.stdout)
    assert published is not None
    # The count is what the shop window shows: products Khaos deleted are not in it.
    with sqlite3.connect(tmp_path / "demo" / "shop.sqlite3") as shop:
        (shown,) = shop.execute(
            "SELECT count(*) FROM catalogue_product WHERE is_public AND parent_id IS NULL"
        ).fetchone()
    assert shown == int(published.group(1)) > 0
    placed = re.search(r"orders: placed ([\d, ]+) through", first.stdout)
    assert placed is not None
    script = Path(sys.executable).parent / "khaos-sync"
    assert f"try `{script}" in first.stdout or "try `.venv/bin/khaos-sync" in first.stdout

    ports = ["--port", str(free_port()), "--simulator-port", str(free_port())]
    second = demo(tmp_path, "--once", "--items", "30", *ports)
    assert second.returncode == 0, second.stderr
    assert "nothing published or ordered again" in second.stdout
    assert "products published" not in second.stdout and "placed" not in second.stdout


def test_the_cloud_demo_plays_the_first_day_over_khaos_control_cloud(tmp_path):
    result = demo(tmp_path, "--cloud", "--once", "--items", "30", "--port", str(free_port()))
    assert result.returncode == 0, result.stderr
    assert "catalogue and levels: pushed by Khaos Control Cloud" in result.stdout
    placed = re.search(r"orders: placed ([\d, ]+) through", result.stdout)
    assert placed is not None
    numbers = [n.strip() for n in placed.group(1).split(",")]
    assert f"Khaos Control Cloud took {len(numbers)} order(s)" in result.stdout
    assert f"order {numbers[1]}: Dispatched" in result.stdout
    assert "/khaos-cloud/channel-config.json" in result.stdout
    # Its own data, apart from the SOAP demo's.
    assert (tmp_path / "demo" / "cloud" / "shop.sqlite3").exists()
