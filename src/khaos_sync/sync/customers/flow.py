"""Entry points of the one-time customer import: the guard, the lock, the run and its report."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import asdict

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from khaos_sync.mappers.customers import ImportOptions, check_opt_in_statuses
from khaos_sync.protocol.documents.customers import iter_customers
from khaos_sync.sync.core.backend import khaos_backend
from khaos_sync.sync.core.locks import flow_lock
from khaos_sync.sync.core.models import FailedItem, Flow
from khaos_sync.sync.core.progress import Progress
from khaos_sync.sync.core.runs import locked_run, recorded_run, resolve_failures
from khaos_sync.sync.customers.importer import (
    CHUNK_KEY,
    Batching,
    CustomerImporter,
    requested_codes,
)
from khaos_sync.sync.customers.models import CustomerImport, CustomerImportEntry
from khaos_sync.sync.customers.report import Report, store_report

ENTRY_BATCH = 2000
log = logging.getLogger(__name__)


class AlreadyImported(RuntimeError):
    """The one-time import already ran; only --force runs it again."""


def import_options(classes: Sequence[str] | None = None) -> ImportOptions:
    config = settings.KHAOS_SYNC["customers"]
    chosen = config["company_classes"] if classes is None else classes
    return ImportOptions(
        company_classes=frozenset(chosen),
        opt_in_statuses=check_opt_in_statuses(config["opt_in_mailing_statuses"]),
    )


def batching() -> Batching:
    config = settings.KHAOS_SYNC["customers"]
    return Batching(export_chunk=config["export_chunk"], batch_size=config["batch_size"])


# In the reports storage: the data dir on one machine, the bucket's private part on several.
REPORTS_FOLDER = "reports/customers"


def finished_import() -> CustomerImport | None:
    return (
        CustomerImport.objects.filter(state=CustomerImport.State.FINISHED)
        .order_by("started_at")
        .first()
    )


def check_not_imported(force: bool) -> None:
    done = finished_import()
    if done is not None and not force:
        raise AlreadyImported(
            f"customers were already imported on {done.finished_at:%Y-%m-%d %H:%M} "
            f"(import {done.pk}); run again with --force to update them"
        )


def import_customers(
    *,
    classes: Sequence[str] | None = None,
    dry_run: bool = False,
    force: bool = False,
    url: str | None = None,
    progress: Progress | None = None,
) -> Report:
    """Run the import (or, with ``dry_run``, only say what it would do) and return its report."""
    options = import_options(classes)
    report = Report(
        dry_run=dry_run,
        forced=force,
        company_classes=sorted(options.company_classes),
        started_at=timezone.now(),
    )
    if dry_run:
        return run_dry(report, options, url, progress)
    check_not_imported(force)
    with flow_lock(Flow.CUSTOMERS):
        check_not_imported(force)  # another run may have finished between the check and the lock
        run_recorded(report, options, url, progress)
    return report


def run_dry(
    report: Report, options: ImportOptions, url: str | None, progress: Progress | None
) -> Report:
    """Everything up to the plan against the shop; no lock, no run row, nothing written."""
    with khaos_backend(url) as client:
        CustomerImporter(client, report, options, batching(), None).run(progress)
    report.finished_at = timezone.now()
    log.info("customer dry run finished", extra={"flow": Flow.CUSTOMERS, **totals(report)})
    return report


def run_recorded(
    report: Report, options: ImportOptions, url: str | None, progress: Progress | None
) -> None:
    record = CustomerImport.objects.create(
        forced=report.forced, started_at=report.started_at, company_classes=report.company_classes
    )
    try:
        with recorded_run(Flow.CUSTOMERS) as recorder, khaos_backend(url) as client:
            record.run = recorder.run
            CustomerImporter(client, report, options, batching(), recorder).run(progress)
            report.finished_at = timezone.now()
            recorder.summary = run_summary(report)
    except BaseException as exc:
        close_record(record, report, CustomerImport.State.FAILED, f"{type(exc).__name__}: {exc}")
        raise
    close_record(record, report, CustomerImport.State.FINISHED)
    log.info("customer import finished", extra={"flow": Flow.CUSTOMERS, **totals(report)})


def run_summary(report: Report) -> dict[str, object]:
    """The run row's summary; the e-mails of collisions stay in the import's own report."""
    summary = report.summary()
    summary["email_collisions"] = len(summary["email_collisions"])
    return summary


def totals(report: Report) -> dict[str, object]:
    return {"outcomes": report.totals, "skip_reasons": report.reasons, "forced": report.forced}


def close_record(record: CustomerImport, report: Report, state: str, error: str = "") -> None:
    """Store the entries and the report files, then mark the import finished or failed."""
    report.finished_at = report.finished_at or timezone.now()
    stem = f"customer-import-{record.pk}-{report.started_at:%Y%m%dT%H%M%S}"
    json_name, csv_name = store_report(report, f"{REPORTS_FOLDER}/{stem}")
    with transaction.atomic():
        save_entries(record, report)
        record.state = state
        record.error = error
        record.finished_at = report.finished_at
        record.totals = report.totals
        record.reasons = report.reasons
        record.report_json = json_name
        record.report_csv = csv_name
        record.save()


def save_entries(record: CustomerImport, report: Report) -> None:
    rows = [CustomerImportEntry(customer_import=record, **asdict(e)) for e in report.entries]
    CustomerImportEntry.objects.bulk_create(rows, batch_size=ENTRY_BATCH)


def import_customers_once() -> Report:
    """The worker's entry: runs only if the import never finished (it is never scheduled)."""
    return import_customers()


def retry_failed_item(failed: FailedItem) -> None:
    """Ask Khaos again for what failed: the codes of a failed export, a record by its code,
    or replay the document of a chunk that could not be read."""
    report = Report(dry_run=False, forced=True, company_classes=[], started_at=timezone.now())
    options = import_options()
    with locked_run(Flow.CUSTOMERS) as recorder:
        with khaos_backend() as client:
            importer = CustomerImporter(client, report, options, batching(), recorder)
            codes = requested_codes(failed.payload)
            if codes is not None:
                importer.run_codes(codes)
            elif failed.key.startswith(CHUNK_KEY):
                document = iter_customers(failed.payload.encode("utf-8"))
                importer.import_companies(document, importer.deleted_companies())
            else:
                importer.run_codes([failed.key])
        recorder.summary = run_summary(report)
    if "failed" not in report.totals:
        resolve_failures(Flow.CUSTOMERS, [failed.key])
