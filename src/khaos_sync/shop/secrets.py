"""The Django secret key: given in configuration, or generated once and kept."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from khaos_sync.files import private_dir


def load_or_create_secret_key(data_dir: Path) -> str:
    path = data_dir / "secret_key"
    if path.is_file():
        return path.read_text(encoding="utf-8").strip()
    private_dir(data_dir)
    key = secrets.token_urlsafe(50)
    # Create with owner-only permissions; O_EXCL so two processes starting at once
    # cannot each write a different key.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="utf-8").strip()
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(key)
    return key
