"""The import report a person reads: totals, reasons with their meaning, collisions, files."""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime

from khaos_sync.sync.customers.report import Entry, Report, write_report


def report() -> Report:
    result = Report(
        dry_run=False, forced=False, company_classes=["Internet"], started_at=datetime.now(UTC)
    )
    for entry in (
        Entry("CU1", "1", "a@example.com", "created"),
        Entry("CU2", "2", "", "skipped", "supplier"),
        Entry("CU3", "3", "Twins@example.com", "skipped", "duplicate_email", "also on CU4"),
        Entry("CU4", "4", "twins@example.com", "skipped", "duplicate_email", "also on CU3"),
        Entry("CU5", "5", "", "failed", "", "SoapFault: database busy"),
    ):
        result.add(entry)
    return result


def test_the_summary_counts_outcomes_and_explains_each_skip_reason():
    summary = report().summary()
    assert summary["records"] == 5
    assert summary["totals"] == {"created": 1, "skipped": 3, "failed": 1}
    assert summary["skipped_by_reason"]["supplier"] == {
        "count": 1,
        "meaning": "a supplier, not a customer",
    }
    assert summary["email_collisions"] == {"twins@example.com": ["CU3", "CU4"]}


def test_the_report_is_written_as_json_and_csv_with_one_row_per_record(tmp_path):
    json_path, csv_path = write_report(report(), tmp_path / "reports", "customer-import-1")

    body = json.loads(json_path.read_text())
    assert [e["company_code"] for e in body["entries"]] == ["CU1", "CU2", "CU3", "CU4", "CU5"]
    with csv_path.open(newline="") as rows:
        read = list(csv.DictReader(rows))
    assert read[2] == {
        "company_code": "CU3",
        "company_id": "3",
        "email": "Twins@example.com",
        "outcome": "skipped",
        "reason": "duplicate_email",
        "detail": "also on CU4",
    }
    assert sorted(p.name for p in (tmp_path / "reports").iterdir()) == [
        "customer-import-1.csv",
        "customer-import-1.json",
    ]
