"""Dashboard pages of the customer import: the imports and each one's report."""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any

from django.core.exceptions import SuspiciousFileOperation
from django.http import FileResponse, Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.views import View
from django.views.generic import ListView

from khaos_sync.sync.core.reports import open_report
from khaos_sync.sync.customers.models import CustomerImport, CustomerImportEntry
from khaos_sync.sync.customers.report import meaning

CONTENT_TYPES = {"json": "application/json", "csv": "text/csv; charset=utf-8"}


class ImportListView(ListView):  # type: ignore[type-arg]
    template_name = "khaos/customers/imports.html"
    context_object_name = "imports"
    paginate_by = 20
    queryset = CustomerImport.objects.all()


class ImportReportView(ListView):  # type: ignore[type-arg]
    """Totals, skips by reason, and the records, filtered by outcome or reason."""

    template_name = "khaos/customers/report.html"
    context_object_name = "entries"
    paginate_by = 100

    def get_queryset(self):  # type: ignore[no-untyped-def]
        self.customer_import = get_object_or_404(CustomerImport, pk=self.kwargs["pk"])
        entries = CustomerImportEntry.objects.filter(customer_import=self.customer_import)
        for name in ("outcome", "reason"):
            value = self.request.GET.get(name)
            if value:
                entries = entries.filter(**{name: value})
        return entries

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        record = self.customer_import
        context["import"] = record
        context["totals"] = sorted(record.totals.items())
        context["reasons"] = [
            (reason, meaning(reason), count) for reason, count in sorted(record.reasons.items())
        ]
        context["outcome"] = self.request.GET.get("outcome", "")
        context["reason"] = self.request.GET.get("reason", "")
        return context


class ReportFileView(View):
    """The report files the import wrote into the reports storage."""

    def get(self, request: HttpRequest, pk: int, kind: str) -> FileResponse:
        record = get_object_or_404(CustomerImport, pk=pk)
        name = {"json": record.report_json, "csv": record.report_csv}.get(kind)
        if not name:
            raise Http404("no such report file")
        try:
            stream = open_report(name)
        except SuspiciousFileOperation:  # a name leading out of the storage
            stream = None
        if stream is None:
            raise Http404("the report file is no longer in the reports storage")
        return FileResponse(
            stream,
            as_attachment=True,
            filename=PurePosixPath(name).name,
            content_type=CONTENT_TYPES[kind],
        )
