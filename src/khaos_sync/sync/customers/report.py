"""The customer import report: one entry per Khaos record, summed up, written as JSON and CSV."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from khaos_sync.files import atomic_write, private_dir
from khaos_sync.mappers.customers import REASON_LABELS, Reason
from khaos_sync.sync.core.reports import save_report

CSV_COLUMNS = ("company_code", "company_id", "email", "outcome", "reason", "detail")


@dataclass(frozen=True)
class Entry:
    company_code: str
    company_id: str
    email: str
    outcome: str
    reason: str = ""
    detail: str = ""


@dataclass
class Report:
    dry_run: bool
    forced: bool
    company_classes: list[str]
    started_at: datetime
    finished_at: datetime | None = None
    entries: list[Entry] = field(default_factory=list)
    khaos_calls: int = 0

    def add(self, entry: Entry) -> None:
        self.entries.append(entry)

    @property
    def totals(self) -> dict[str, int]:
        return dict(Counter(e.outcome for e in self.entries))

    @property
    def reasons(self) -> dict[str, int]:
        return dict(Counter(e.reason for e in self.entries if e.reason))

    def collisions(self) -> dict[str, list[str]]:
        """E-mail → the Khaos records that share it (each was skipped)."""
        groups: dict[str, list[str]] = {}
        for entry in self.entries:
            if entry.reason == Reason.DUPLICATE_EMAIL:
                groups.setdefault(entry.email.lower(), []).append(entry.company_code)
        return {email: sorted(codes) for email, codes in sorted(groups.items())}

    def summary(self) -> dict[str, Any]:
        return {
            "dry_run": self.dry_run,
            "forced": self.forced,
            "company_classes": self.company_classes,
            "started_at": self.started_at.isoformat(),
            "finished_at": self.finished_at.isoformat() if self.finished_at else None,
            "records": len(self.entries),
            "totals": self.totals,
            "skipped_by_reason": {
                reason: {"count": count, "meaning": meaning(reason)}
                for reason, count in sorted(self.reasons.items())
            },
            "email_collisions": self.collisions(),
            "khaos_calls": self.khaos_calls,
        }

    def as_json(self) -> str:
        body = {**self.summary(), "entries": [asdict(e) for e in self.entries]}
        return json.dumps(body, indent=2, ensure_ascii=False)

    def as_csv(self) -> str:
        out = io.StringIO()
        writer = csv.DictWriter(out, CSV_COLUMNS)
        writer.writeheader()
        writer.writerows(asdict(e) for e in self.entries)
        return out.getvalue()


def meaning(reason: str) -> str:
    try:
        return REASON_LABELS[Reason(reason)]
    except ValueError:
        return reason


def store_report(report: Report, stem: str) -> tuple[str, str]:
    """``<stem>.json`` and ``<stem>.csv`` in the reports storage; returns their names."""
    return (
        save_report(f"{stem}.json", report.as_json()),
        save_report(f"{stem}.csv", report.as_csv()),
    )


def write_report(report: Report, directory: Path, stem: str) -> tuple[Path, Path]:
    """``<stem>.json`` and ``<stem>.csv`` in ``directory``, each written whole or not at all."""
    private_dir(directory)
    json_path, csv_path = directory / f"{stem}.json", directory / f"{stem}.csv"
    atomic_write(json_path, report.as_json())
    atomic_write(csv_path, report.as_csv())
    return json_path, csv_path
