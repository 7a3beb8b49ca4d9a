"""The shipped example configuration: generated from the schema, so it never falls behind."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from khaos_sync.cli.example_config import render_example, toml_value
from khaos_sync.config import SCHEMA, load

REPO_ROOT = Path(__file__).resolve().parents[2]
SHIPPED = REPO_ROOT / "khaos-sync.example.toml"


def test_the_shipped_example_is_what_the_schema_generates() -> None:
    assert SHIPPED.read_text(encoding="utf-8") == render_example(), (
        "khaos-sync.example.toml is behind config.SCHEMA: regenerate it with "
        "`.venv/bin/python -m khaos_sync.cli.example_config > khaos-sync.example.toml`"
    )


def test_every_key_of_the_schema_is_in_the_example() -> None:
    text = render_example()
    for section, keys in SCHEMA.items():
        body = text.split(f"[{section}]\n", 1)[1].split("\n[", 1)[0]
        shown = re.findall(r"^# (\w+) = ", body, flags=re.MULTILINE)
        assert shown == list(keys), section


@pytest.mark.parametrize(
    ("section", "key"), [(s, k) for s, keys in SCHEMA.items() for k in keys], ids="{}".format
)
def test_every_default_reads_back_as_itself(section: str, key: str) -> None:
    spec = SCHEMA[section][key]
    value = tomllib.loads(f"value = {toml_value(spec.default)}")["value"]
    assert spec.parse(f"{section}.{key}", value) == spec.default


def test_the_example_with_every_line_uncommented_loads_as_the_defaults(tmp_path: Path) -> None:
    uncommented = re.sub(r"^# (\w+ = )", r"\1", render_example(), flags=re.MULTILINE)
    path = tmp_path / "khaos-sync.toml"
    path.write_text(uncommented, encoding="utf-8")
    config = load({"KHAOS_SYNC_CONFIG": str(path), "KHAOS_SYNC_DATA_DIR": str(tmp_path)})
    assert config.source == path
    for section, keys in SCHEMA.items():
        for key, spec in keys.items():
            assert config.get(section, key) == spec.default, f"{section}.{key}"
