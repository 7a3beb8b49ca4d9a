"""The raw form of a failed item kept for replay: the record as read, as JSON text."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any


def raw_payload(record: Any) -> str:
    """A parsed record (a dataclass), or a list of them, as JSON; dates and amounts as text."""
    if isinstance(record, list | tuple):
        return json.dumps([asdict(r) for r in record], default=str, ensure_ascii=False)
    return json.dumps(asdict(record), default=str, ensure_ascii=False)
