"""Benchmark of the Khaos Control simulator at retailer scale.

Generates a catalogue of N variants (default 100,000), serves it from a
separate simulator process, pulls every item through ExportStock in chunks of
200 codes with the protocol client, and reports generation time, ExportStock
throughput (stock items per second, SCS children included) and the server's
peak resident memory.

    PYTHONPATH=src python benchmarks/bench_simulator.py [--variants 100000] [--chunk 200]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from khaos_sync.protocol.client import KhaosClient
from khaos_sync.simulator.generator import generate
from khaos_sync.simulator.store import Store

T = TypeVar("T")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variants", type=int, default=100_000)
    parser.add_argument("--chunk", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--db", type=Path, help="database to use (default: a temporary file)")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="khaos-sim-bench-"))
    try:
        run(args, args.db or workdir / "bench.sqlite3")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def run(args: argparse.Namespace, db: Path) -> None:
    generation = generate_catalogue(db, args.variants, args.seed)
    # Two server runs, so the memory of the one big GetStockList answer and that
    # of the chunked ExportStock calls are measured apart.
    codes, listing_rss = with_server(db, list_top_level_codes)
    export, export_rss = with_server(db, lambda url: export_everything(url, codes, args.chunk))
    report = {
        "variants_requested": args.variants,
        "stock_items_generated": generation["items"],
        "generation_seconds": round(generation["seconds"], 1),
        "database_mb": round(db.stat().st_size / 1e6, 1),
        "export_chunk_codes": args.chunk,
        "export_calls": export["calls"],
        "exported_stock_items": export["items"],
        "export_seconds": round(export["seconds"], 1),
        "export_items_per_second": round(export["items"] / export["seconds"]),
        "export_mb_received": round(export["bytes"] / 1e6, 1),
        "server_peak_rss_mb_export_phase": round(export_rss / 1024, 1),
        "server_peak_rss_mb_get_stock_list_all": round(listing_rss / 1024, 1),
    }
    print(json.dumps(report, indent=2))


def generate_catalogue(db: Path, variants: int, seed: int) -> dict[str, float]:
    store = Store(db)
    store.clear_catalogue()
    started = time.perf_counter()
    result = generate(store, variants, seed)
    seconds = time.perf_counter() - started
    store.close()
    return {"items": result.items, "seconds": seconds}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def start_server(db: Path, port: int) -> subprocess.Popen[bytes]:
    command = [
        sys.executable,
        "-c",
        "from khaos_sync.cli.main import main; main()",
        "simulate",
        "--db",
        str(db),
        "--port",
        str(port),
        "--control-token",
        "bench",
    ]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, env=dict(os.environ))


def wait_until_ready(url: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with KhaosClient(url, timeout=5) as khaos:
                khaos.get_version()
            return
        except Exception:
            time.sleep(0.2)
    raise SystemExit("the simulator did not start")


def with_server(db: Path, work: Callable[[str], T]) -> tuple[T, int]:
    """Run ``work(url)`` against a fresh simulator process; return its result and peak RSS."""
    port = free_port()
    server = start_server(db, port)
    try:
        url = f"http://127.0.0.1:{port}/KhaosKSD.exe/soap/IKosWeb"
        wait_until_ready(url)
        result = work(url)
        return result, peak_rss(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=10)


def list_top_level_codes(url: str) -> list[str]:
    with KhaosClient(url, timeout=300) as khaos:
        return [e.stock_code for e in khaos.get_stock_list().entries if not e.parent_code]


def export_everything(url: str, top_level: list[str], chunk: int) -> dict[str, float]:
    with KhaosClient(url, timeout=120) as khaos:
        started = time.perf_counter()
        items = received = calls = 0
        for start in range(0, len(top_level), chunk):
            document = khaos.export_stock(stock_code=",".join(top_level[start : start + chunk]))
            items += document.count("<STOCK_ID>")
            received += len(document.encode("utf-8"))
            calls += 1
        return {
            "items": items,
            "bytes": received,
            "calls": calls,
            "seconds": time.perf_counter() - started,
        }


def peak_rss(pid: int) -> int:
    """Peak resident set size of ``pid`` in KiB (Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


if __name__ == "__main__":
    main()
