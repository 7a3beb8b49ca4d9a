"""A full-size stock export streams in flat memory."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[3]
BENCH = REPO_ROOT / "benchmarks" / "bench_stock_parse.py"
PEAK_RSS_LIMIT_MB = 150


def run_bench(*args: str) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT / "src")}
    completed = subprocess.run(
        [sys.executable, str(BENCH), "--json", *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=900,
    )
    assert completed.returncode == 0, completed.stderr
    result: dict[str, float] = json.loads(completed.stdout)
    return result


@pytest.mark.slow
def test_200_mb_export_parses_under_150_mb_peak_rss(tmp_path: Path) -> None:
    document = tmp_path / "stock.xml"
    generated = run_bench("--mb", "200", "--keep", str(document), "--generate-only")
    assert generated["document_mb"] >= 200
    # Parsing runs in its own process so its peak RSS is measured alone.
    parsed = run_bench("--file", str(document))
    assert parsed["items"] == generated["items"]
    assert parsed["scs_children"] > parsed["items"]
    assert parsed["peak_rss_mb"] < PEAK_RSS_LIMIT_MB, parsed
