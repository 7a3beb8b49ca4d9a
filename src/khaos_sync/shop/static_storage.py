"""Static files compressed once, not at every ``serve`` start.

WhiteNoise compresses every collected file each time ``collectstatic`` runs,
changed or not; with brotli installed (locust's dependencies bring it) that took
``serve`` 25 s at every start here, against 1 s with gzip alone.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from whitenoise.storage import CompressedStaticFilesStorage


class StaticFilesStorage(CompressedStaticFilesStorage):
    def post_process(
        self, paths: dict[str, Any], dry_run: bool = False, **options: Any
    ) -> Iterator[Any]:
        changed = {path: found for path, found in paths.items() if self.uncompressed(path)}
        yield from super().post_process(changed, dry_run, **options)

    def uncompressed(self, path: str) -> bool:
        """No compressed copy at least as new as the file (one that did not shrink is retried)."""
        source = Path(self.path(path))
        newest = source.stat().st_mtime
        return not any(
            copy.exists() and copy.stat().st_mtime >= newest
            for copy in (
                source.with_name(source.name + ".gz"),
                source.with_name(source.name + ".br"),
            )
        )
