"""Files only the shop's own account may read: the data dir and what it holds.

The data dir holds the secret key, the SQLite database, customer reports and
uploaded archives, so it is 0700 and those files 0600, whatever the umask of
the account that starts the shop.
"""

from __future__ import annotations

import contextlib
import logging
import os
import tempfile
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


def atomic_write(path: Path, data: bytes | str, mode: int = PRIVATE_FILE) -> Path:
    """Write the file whole or not at all: readers see the old file or the new one.

    The data goes to a temporary file beside ``path`` (owner-only from the start),
    which then takes the place of ``path`` in one rename; a failure leaves no trace.
    """
    payload = data.encode("utf-8") if isinstance(data, str) else data
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".part-")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(payload)
        if mode != PRIVATE_FILE:
            os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path
