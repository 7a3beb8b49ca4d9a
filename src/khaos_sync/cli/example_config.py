"""The example configuration file, generated from ``config.SCHEMA``: every key, its default, its help.

``khaos-sync init`` writes it as ``khaos-sync.toml`` into a new data dir, and the
repository ships it as ``khaos-sync.example.toml``; regenerate that one with
``.venv/bin/python -m khaos_sync.cli.example_config > khaos-sync.example.toml``
(a test fails when it falls behind the schema).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from khaos_sync.config import SCHEMA

FILE_NAME = "khaos-sync.toml"
HEADER = """\
# khaos-sync configuration. Every key is shown with its default, commented out:
# remove the leading "# " of a line to change it. KHAOS_SYNC_<SECTION>_<KEY> environment variables
# override this file (e.g. KHAOS_SYNC_KHAOS_URL; a list as "[1, 2]" or 1,2). Unknown keys stop
# the program at start.
#
# A new installation starts in dry-run mode whatever [worker] dry_run says: nothing is
# written to Khaos until a person goes live from the dashboard (Dashboard > Khaos).
"""


def render_example() -> str:
    parts = [HEADER]
    for section, keys in SCHEMA.items():
        parts.append(f"\n[{section}]\n")
        for name, key in keys.items():
            comment = f"  # {key.help}" if key.help else ""
            parts.append(f"# {name} = {toml_value(key.default)}{comment}\n")
    return "".join(parts)


def toml_value(value: Any) -> str:
    """A default as TOML (the schema's defaults are text, numbers, booleans, lists, tables)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        if not value:
            return "{}"
        entries = ", ".join(f"{json.dumps(str(k))} = {toml_value(v)}" for k, v in value.items())
        return "{ " + entries + " }"
    raise TypeError(f"no TOML form for {value!r}")


def write_example(data_dir: Path) -> Path | None:
    """Write the example as the data dir's configuration, unless one is there already."""
    target = data_dir / FILE_NAME
    if target.exists():
        return None
    data_dir.mkdir(parents=True, exist_ok=True)
    # Only its owner may read it: a database URL or secret key may be added later.
    descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write(render_example())
    return target


if __name__ == "__main__":
    print(render_example(), end="")
