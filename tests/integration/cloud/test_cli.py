"""``khaos-sync simulate cloud`` on the command line against a served shop."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from khaos_sync.cli.simulate import simulate
from khaos_sync.sync.catalogue.models import ProductBinding

from .conftest import PASSWORD, USERNAME

pytestmark = pytest.mark.slow


def run(*args: str) -> Any:
    return CliRunner().invoke(simulate, ["cloud", *args])


def test_two_rounds_fill_the_shop(
    cloud_settings: Any, transactional_db: None, live_server: Any, tmp_path: Path
) -> None:
    result = run(
        "--shop", live_server.url, "--username", USERNAME, "--password", PASSWORD,
        "--db", str(tmp_path / "sim.sqlite3"), "--generate", "20", "--rounds", "2",
        "--interval", "0", "--faults", "lost-200@every=2;seed=1",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "orders imported" in result.output and "resent" in result.output
    assert ProductBinding.objects.exists()


def test_wrong_password_is_one_line_and_a_non_zero_exit(
    cloud_settings: Any, transactional_db: None, live_server: Any, tmp_path: Path
) -> None:
    result = run(
        "--shop", live_server.url, "--username", USERNAME, "--password", "nope",
        "--db", str(tmp_path / "sim.sqlite3"), "--generate", "5", "--rounds", "1",
    )  # fmt: skip
    assert result.exit_code == 1
    (line,) = result.output.strip().splitlines()
    assert line.startswith("Error: channel config at ") and "HTTP 401" in line
    assert "Traceback" not in result.output


def test_a_bad_fault_spec_names_the_option(tmp_path: Path) -> None:
    result = run(
        "--shop", "http://127.0.0.1:9", "--username", "u", "--password", "p",
        "--db", str(tmp_path / "sim.sqlite3"), "--faults", "lost-201",
    )  # fmt: skip
    assert result.exit_code == 2
    assert "--faults" in result.output and "unknown fault 'lost-201'" in result.output
