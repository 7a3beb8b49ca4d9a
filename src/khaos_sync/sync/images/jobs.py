"""Image import jobs: queued by the dashboard or the command line, run one at a time.

A job is a database row, so any web process can show its progress; it runs in
a background thread of the process that received the upload (see
docs/images.md for why). Only one import runs at a time across all machines
(a lease on the "images" flow); a job whose process died is picked up again
by ``khaos-sync import images --pending``, and running it again from the
start is safe because unchanged files are recognised by their content hash.
"""

from __future__ import annotations

import logging
import threading
import time
import traceback
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connection
from django.db.models import Q
from django.utils import timezone

from khaos_sync.files import private_dir
from khaos_sync.mappers.verify import RefusedFile
from khaos_sync.sync.core.locks import holder_id, release, renew, try_acquire
from khaos_sync.sync.core.models import Flow
from khaos_sync.sync.core.progress import Progress
from khaos_sync.sync.core.runs import RunRecorder, recorded_run
from khaos_sync.sync.images.importer import ImageImporter, source_limits
from khaos_sync.sync.images.models import ImageImportJob
from khaos_sync.sync.images.report import PAGE, ImportReport, write_report
from khaos_sync.sync.images.sources import open_source

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=10)
# A running job whose counts have not moved for this long lost its process.
STALE_AFTER = timedelta(minutes=2)
SAVE_EVERY_SECONDS = 0.5
State = ImageImportJob.State


def uploads_dir() -> Path:
    return private_dir(Path(settings.DATA_DIR) / "image-uploads")


def create_job(
    source: Path, label: str, *, user: Any = None, delete_source: bool = False
) -> ImageImportJob:
    return ImageImportJob.objects.create(
        source=str(source), label=label[:255], created_by=user, delete_source=delete_source
    )


def runnable() -> Q:
    stale = timezone.now() - STALE_AFTER
    return Q(state=State.QUEUED) | Q(state=State.RUNNING, heartbeat_at__lt=stale)


def claim(job_id: int, holder: str) -> bool:
    now = timezone.now()
    claimed = ImageImportJob.objects.filter(runnable(), pk=job_id).update(
        state=State.RUNNING, holder=holder, started_at=now, heartbeat_at=now
    )
    return bool(claimed)


def wait_for_lease(holder: str, patience: timedelta) -> bool:
    deadline = time.monotonic() + patience.total_seconds()
    while not try_acquire(Flow.IMAGES, LEASE, holder):
        if time.monotonic() > deadline:
            return False
        time.sleep(1)
    return True


def run_job(
    job_id: int,
    progress: Progress | None = None,
    *,
    patience: timedelta = timedelta(hours=1),
) -> ImageImportJob:
    """Run a queued job in this thread; returns it as it ended (or still queued)."""
    # Per thread, so two uploads handled by one process do not share the lease.
    holder = f"{holder_id()}:{threading.get_ident()}"
    if not wait_for_lease(holder, patience):
        return ImageImportJob.objects.get(pk=job_id)
    try:
        if claim(job_id, holder):
            execute(ImageImportJob.objects.get(pk=job_id), holder, progress)
    finally:
        release(Flow.IMAGES, holder)
    return ImageImportJob.objects.get(pk=job_id)


def execute(job: ImageImportJob, holder: str, progress: Progress | None) -> None:
    report = ImportReport(source=job.label)
    try:
        with recorded_run(Flow.IMAGES) as recorder:
            ImageImportJob.objects.filter(pk=job.pk).update(run=recorder.run)
            import_source(job, recorder, report, Tracker(job, report, holder, progress))
            recorder.summary = dict(report.counts())
    except Exception as exc:
        report.error = f"{type(exc).__name__}: {exc}"
        log.error(
            "image import failed",
            extra={"job": job.pk, "error": report.error, "trace": traceback.format_exc()},
        )
        # The upload stays, so the job can be run again once the cause is fixed.
        finish(job, report, keep_source=True)
        raise
    finish(job, report)


def import_source(
    job: ImageImportJob, recorder: RunRecorder, report: ImportReport, tracker: Tracker
) -> None:
    try:
        source = open_source(Path(job.source), source_limits())
    except RefusedFile as exc:
        recorder.fail(job.label, job.source, exc)
        report.error = str(exc)
        return
    ImageImportJob.objects.filter(pk=job.pk).update(total=len(source))
    ImageImporter(recorder, report).run(source, tracker)
    tracker.save()


class Tracker:
    """Progress callback: counts on the job row about twice a second, and the lease kept."""

    def __init__(
        self,
        job: ImageImportJob,
        report: ImportReport,
        holder: str,
        progress: Progress | None,
    ) -> None:
        self.job, self.report, self.holder, self.progress = job, report, holder, progress
        self.processed = 0
        self.saved_at = 0.0

    def __call__(self, n: int) -> None:
        self.processed += n
        if self.progress:
            self.progress(n)
        if time.monotonic() - self.saved_at >= SAVE_EVERY_SECONDS:
            self.save()

    def save(self) -> None:
        self.saved_at = time.monotonic()
        counts = self.report.counts()
        ImageImportJob.objects.filter(pk=self.job.pk).update(
            processed=self.processed,
            matched=counts["matched_files"],
            unmatched=counts["unmatched"],
            refused=counts["refused"],
            held=counts["held"],
            heartbeat_at=timezone.now(),
        )
        renew(Flow.IMAGES, self.holder, LEASE)


def finish(job: ImageImportJob, report: ImportReport, *, keep_source: bool = False) -> None:
    counts = report.counts()
    report_name = write_report(report, f"import-{job.pk}")
    ImageImportJob.objects.filter(pk=job.pk).update(
        state=State.FAILED if report.error else State.DONE,
        finished_at=timezone.now(),
        heartbeat_at=timezone.now(),
        matched=counts["matched_files"],
        unmatched=counts["unmatched"],
        refused=counts["refused"],
        held=counts["held"],
        error=report.error,
        report=report.as_dict(limit=PAGE),
        report_file=report_name,
    )
    if job.delete_source and not keep_source:
        Path(job.source).unlink(missing_ok=True)
    log.info("image import finished", extra={"job": job.pk, "counts": counts})


def process_pending_jobs() -> int:
    """Run every queued or abandoned job; what the worker and ``--pending`` call."""
    ids = list(
        ImageImportJob.objects.filter(runnable()).order_by("pk").values_list("pk", flat=True)
    )
    for job_id in ids:
        run_job(job_id)
    return len(ids)


def start_in_background(job_id: int) -> threading.Thread:
    thread = threading.Thread(
        target=run_in_thread, args=(job_id,), name=f"image-import-{job_id}", daemon=True
    )
    thread.start()
    return thread


def run_in_thread(job_id: int) -> None:
    close_old_connections()
    try:
        run_job(job_id)
    except Exception:
        # Already on the job row and the run log; nothing above this thread to tell.
        log.exception("image import thread ended with an error", extra={"job": job_id})
    finally:
        connection.close()
