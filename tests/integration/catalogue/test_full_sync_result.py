"""A full sync of a generated catalogue gives exactly the recorded result.

The write path may change how rows reach the database, never what a shop ends
up with: ``dump catalogue --json`` after a full sync of the simulator's
generated catalogue must match, byte for byte, the dump recorded before.

To record it again after an intended change of behaviour::

    RECORD_CATALOGUE_DUMP=1 .venv/bin/python -m pytest \
        tests/integration/catalogue/test_full_sync_result.py
"""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from khaos_sync.cli.main import cli
from khaos_sync.simulator.runner import run_in_thread

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

VARIANTS = 2000
SEED = 11
RECORDED = Path(__file__).parents[2] / "fixtures" / "catalogue" / f"generated-{VARIANTS}.json.gz"


def first_difference(got: str, want: str) -> str:
    got_rows = {row["sku"]: row for row in json.loads(got)}
    want_rows = {row["sku"]: row for row in json.loads(want)}
    for sku in sorted(set(got_rows) | set(want_rows)):
        if got_rows.get(sku) != want_rows.get(sku):
            return f"{sku}: got {got_rows.get(sku)!r}, recorded {want_rows.get(sku)!r}"
    return "same rows, different bytes (order or formatting)"


def test_a_full_sync_of_the_generated_catalogue_dumps_as_recorded(tmp_path):
    with run_in_thread(tmp_path / "khaos.sqlite3", generate=VARIANTS, seed=SEED) as sim:
        runner = CliRunner()
        synced = runner.invoke(cli, ["sync", "catalogue", "--full", "--url", sim.url])
        assert synced.exit_code == 0, synced.output
    dumped = runner.invoke(cli, ["dump", "catalogue", "--json"])
    assert dumped.exit_code == 0, dumped.output
    if os.environ.get("RECORD_CATALOGUE_DUMP"):
        RECORDED.write_bytes(gzip.compress(dumped.stdout.encode(), mtime=0))
    recorded = gzip.decompress(RECORDED.read_bytes()).decode()
    assert len(json.loads(recorded)) > VARIANTS // 10
    assert dumped.stdout == recorded, first_difference(dumped.stdout, recorded)
