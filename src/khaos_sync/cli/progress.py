"""Progress bars for long commands (on stderr, so stdout stays parseable)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

from tqdm import tqdm

from khaos_sync.sync.core.progress import Progress


@contextmanager
def progress_bar(description: str, total: int | None = None) -> Iterator[Progress]:
    bar = tqdm(
        total=total,
        desc=description,
        unit="item",
        file=sys.stderr,
        leave=True,
        disable=None,  # only on a terminal: scripts and logs get the summary alone
    )
    try:
        yield bar.update
    finally:
        bar.close()
