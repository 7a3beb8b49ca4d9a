"""Dashboard pages for image imports: upload a ZIP, watch the job, read the report.

Only those allowed to import images may upload (``khaos_sync.dashboard.access``).
The upload is spooled to disk by Django, limited in size while it arrives, moved into the data dir, and imported by a
background job so that the request returns at once however large the ZIP is.
"""

from __future__ import annotations

import shutil
import uuid
import zipfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.files.uploadedfile import TemporaryUploadedFile
from django.core.files.uploadhandler import (
    FileUploadHandler,
    StopUpload,
    TemporaryFileUploadHandler,
)
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from khaos_sync.files import private_file
from khaos_sync.sync.images.jobs import create_job, start_in_background, uploads_dir
from khaos_sync.sync.images.models import ImageImportJob

RECENT_JOBS = 10


class SizeLimitHandler(FileUploadHandler):
    """Stops reading an upload the moment it passes the limit."""

    def __init__(self, request: HttpRequest, limit: int) -> None:
        super().__init__(request)
        self.limit = limit
        self.received = 0
        self.exceeded = False

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):  # type: ignore[no-untyped-def]
        # The declared length is a hint only; the chunks below are what is counted.
        self.exceeded = bool(content_length and content_length > self.limit)

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.exceeded or self.received > self.limit:
            self.exceeded = True
            # Nothing is stored; the rest of the body is read and dropped so the
            # browser gets the page that explains the refusal.
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


def max_upload_bytes() -> int:
    return int(settings.KHAOS_SYNC["images"]["max_upload_bytes"])


def page_context(**extra: Any) -> dict[str, Any]:
    return {
        "jobs": ImageImportJob.objects.select_related("created_by")[:RECENT_JOBS],
        "max_upload_mb": max_upload_bytes() // (1 << 20),
        "limits": settings.KHAOS_SYNC["images"],
        **extra,
    }


@method_decorator(csrf_exempt, name="dispatch")  # checked in post(), after the handlers are set
class ImportImagesView(View):
    """The upload form and the latest imports."""

    template_name = "khaos/images/import.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, self.template_name, page_context())

    def post(self, request: HttpRequest) -> HttpResponse:
        limiter = SizeLimitHandler(request, max_upload_bytes())
        request.upload_handlers = [limiter, TemporaryFileUploadHandler(request)]
        return csrf_protect(self.receive)(request, limiter)

    def receive(self, request: HttpRequest, limiter: SizeLimitHandler) -> HttpResponse:
        upload = request.FILES.get("archive")
        if limiter.exceeded:
            return self.refuse(request, f"The file is over the {max_upload_bytes()} byte limit.")
        if not isinstance(upload, TemporaryUploadedFile):
            return self.refuse(request, "Choose a ZIP file of images to upload.")
        if not zipfile.is_zipfile(upload.temporary_file_path()):
            return self.refuse(request, f"{upload.name} is not a ZIP archive.")
        stored = keep_upload(upload)
        job = create_job(stored, upload.name or stored.name, user=request.user, delete_source=True)
        start_in_background(job.pk)
        messages.info(request, f"Importing {upload.name} in the background.")
        return HttpResponseRedirect(reverse("khaos-images:job", kwargs={"pk": job.pk}))

    def refuse(self, request: HttpRequest, message: str) -> HttpResponse:
        status = 413 if "limit" in message else 400
        return render(request, self.template_name, page_context(error=message), status=status)


def keep_upload(upload: TemporaryUploadedFile) -> Path:
    """Move the spooled upload into the data dir under a name of our own."""
    target = uploads_dir() / f"{uuid.uuid4().hex}.zip"
    shutil.move(upload.temporary_file_path(), target)
    return private_file(target)


class JobView(View):
    """One import: live counts while it runs, the report when it is done."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        job = get_object_or_404(ImageImportJob, pk=pk)
        return render(request, "khaos/images/job.html", {"job": job, "report": job.report})


class JobProgressView(View):
    """The counts the job page polls."""

    def get(self, request: HttpRequest, pk: int) -> JsonResponse:
        job = get_object_or_404(ImageImportJob, pk=pk)
        return JsonResponse(
            {
                "state": job.state,
                "finished": job.finished,
                "total": job.total,
                "processed": job.processed,
                "percent": job.percent,
                "matched": job.matched,
                "unmatched": job.unmatched,
                "refused": job.refused,
                "held": job.held,
                "error": job.error,
            }
        )
