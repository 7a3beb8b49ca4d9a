"""Files only the shop's own account may read: the data dir and what it holds.

The data dir holds the secret key, the SQLite database, customer reports and
uploaded archives, so it is 0700 and those files 0600, whatever the umask of
the account that starts the shop.
"""

from __future__ import annotations

import contextlib
import logging
import os
from pathlib import Path

PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600
log = logging.getLogger(__name__)


def private_dir(path: Path) -> Path:
    """Create ``path`` (and parents) if needed; make it owner-only."""
    path.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
    restrict(path, PRIVATE_DIR)
    return path


def private_file(path: Path) -> Path:
    """Create ``path`` empty if missing; make it owner-only."""
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE))
    restrict(path, PRIVATE_FILE)
    return path


def restrict(path: Path, mode: int) -> None:
    if path.stat().st_mode & 0o777 == mode:
        return
    try:
        path.chmod(mode)
    except PermissionError:
        # Someone else's directory (a shared mount, say): say so rather than stop.
        log.warning("cannot make %s private (mode %o): not its owner", path, mode)
