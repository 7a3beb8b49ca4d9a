"""What the shop keeps in its data dir is for its own account only, whatever the umask."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from khaos_sync.shop import services
from khaos_sync.sync.customers.report import Report
from khaos_sync.sync.customers.report import store_report as store_customer_report
from khaos_sync.sync.customers.report import write_report as write_customer_report
from khaos_sync.sync.images.jobs import uploads_dir
from khaos_sync.sync.images.report import ImportReport
from khaos_sync.sync.images.report import write_report as write_image_report


def mode(path: Path) -> str:
    return oct(path.stat().st_mode & 0o777)


@pytest.fixture
def loose_umask(settings, tmp_path):
    """A data dir of its own, and the umask a default account has."""
    settings.DATA_DIR = tmp_path / "data"
    settings.DATA_DIR.mkdir(mode=0o755)
    settings.STORAGES = services.storage_settings({"storage": "local"}, settings.DATA_DIR)
    previous = os.umask(0o022)
    yield settings.DATA_DIR
    os.umask(previous)


def test_customer_reports_are_owner_only(loose_umask):
    folder = loose_umask / "reports" / "customers"
    report = Report(dry_run=False, forced=False, company_classes=[], started_at=datetime.now(UTC))

    paths = write_customer_report(report, folder, "customer-import-1")

    assert mode(folder) == "0o700"
    assert [mode(path) for path in paths] == ["0o600", "0o600"]


def test_customer_reports_of_an_import_are_owner_only(loose_umask):
    report = Report(dry_run=False, forced=False, company_classes=[], started_at=datetime.now(UTC))

    names = store_customer_report(report, "reports/customers/customer-import-2")

    assert mode(loose_umask / "reports" / "customers") == "0o700"
    assert [mode(loose_umask / name) for name in names] == ["0o600", "0o600"]


def test_image_reports_and_the_uploads_folder_are_owner_only(loose_umask):
    target = loose_umask / write_image_report(ImportReport(source="photos.zip"), "job-1")

    assert mode(target.parent) == "0o700" and mode(target) == "0o600"
    assert mode(uploads_dir()) == "0o700"
