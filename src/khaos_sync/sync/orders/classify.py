"""What a skipped order means: already there, a refusal a person must fix, or unknown."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from enum import Enum
from typing import Any


class SkipKind(Enum):
    DUPLICATE = "duplicate"  # Khaos has it already: reconcile, count as imported
    REFUSED = "refused"  # data Khaos will refuse again until a person fixes it
    UNKNOWN = "unknown"  # retried with back-off


def classify_skip(reason: str, orders_config: Mapping[str, Any]) -> SkipKind:
    text = reason.casefold()
    if _mentions(text, orders_config["duplicate_reasons"]):
        return SkipKind.DUPLICATE
    if _mentions(text, orders_config["refusal_reasons"]):
        return SkipKind.REFUSED
    return SkipKind.UNKNOWN


def _mentions(text: str, phrases: Sequence[str]) -> bool:
    return any(phrase.casefold() in text for phrase in phrases if phrase.strip())
