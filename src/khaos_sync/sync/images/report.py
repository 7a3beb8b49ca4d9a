"""What an image import did, file by file: kept as JSON in the reports storage and on the job row."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

from khaos_sync.sync.core.reports import save_report

# The job row (and so the dashboard page) keeps this many entries of each list;
# the JSON file in the reports storage keeps them all.
PAGE = 500


@dataclass
class ImportReport:
    source: str
    files: int = 0
    matched: list[dict[str, Any]] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)
    refused: list[dict[str, str]] = field(default_factory=list)
    held: list[dict[str, str]] = field(default_factory=list)
    products_without_images: list[str] = field(default_factory=list)
    error: str = ""

    def add_match(self, file: str, stock_code: str, position: int, rule: str, outcome: str) -> None:
        self.matched.append(
            {
                "file": file,
                "stock_code": stock_code,
                "position": position,
                "rule": rule,
                "outcome": outcome,
            }
        )

    def add_refusal(self, file: str, reason: str) -> None:
        self.refused.append({"file": file, "reason": reason})

    def add_held(self, file: str, stock_code: str) -> None:
        self.held.append({"file": file, "stock_code": stock_code})

    def counts(self) -> dict[str, int]:
        outcomes = Counter(entry["outcome"] for entry in self.matched)
        return {
            "files": self.files,
            "matched_files": len({entry["file"] for entry in self.matched}),
            "unmatched": len(self.unmatched),
            "refused": len(self.refused),
            "held": len(self.held),
            "created": outcomes["created"],
            "replaced": outcomes["replaced"],
            "unchanged": outcomes["unchanged"],
            "duplicate": outcomes["duplicate"],
            "products_without_images": len(self.products_without_images),
        }

    def as_dict(self, limit: int | None = None) -> dict[str, Any]:
        body = asdict(self)
        if limit is not None:
            for name in ("matched", "unmatched", "refused", "held", "products_without_images"):
                body[name] = body[name][:limit]
        body["counts"] = self.counts()
        return body


FOLDER = "image-reports"


def write_report(report: ImportReport, name: str) -> str:
    """Store the full report as JSON and return its name in the reports storage."""
    body = json.dumps(report.as_dict(), indent=2, ensure_ascii=False)
    return save_report(f"{FOLDER}/{name}.json", body)
