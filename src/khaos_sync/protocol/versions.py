"""Khaos web service versions: operations that need a minimum version (GetVersion).

An older Khaos answers an operation it does not have with a fault that says
little; comparing the version first gives a clear, non-retryable error.
"""

from __future__ import annotations

import re
from typing import Final

from khaos_sync.protocol.errors import KhaosError

MINIMUM_VERSIONS: Final[dict[str, tuple[int, ...]]] = {
    "ExportWebCategoriesEx2": (8, 144),
    "OutstandingBalance": (8, 173),
}


class VersionTooOld(KhaosError):
    """The Khaos service is older than an operation needs: upgrading Khaos is the fix."""


def parse_version(text: str) -> tuple[int, ...]:
    """``"8.193.12 (KhaosKSD)"`` → ``(8, 193, 12)``."""
    match = re.search(r"\d+(?:\.\d+)*", text)
    if match is None:
        raise VersionTooOld(f"Khaos reported a version that cannot be read: {text!r}")
    return tuple(int(part) for part in match.group(0).split("."))


def supports(version: str, operation: str) -> bool:
    needed = MINIMUM_VERSIONS.get(operation)
    return needed is None or parse_version(version) >= needed


def require(version: str, operation: str) -> None:
    """Raise VersionTooOld when ``operation`` needs a newer Khaos than ``version``."""
    if not supports(version, operation):
        needed = ".".join(map(str, MINIMUM_VERSIONS[operation]))
        raise VersionTooOld(
            f"{operation} needs Khaos web services {needed} or later; this Khaos is {version}"
        )
