"""The Khaos section of Oscar's dashboard: connection, runs, failed items, go-live switch.

Who may open each page is decided where the URLs are mounted
(:mod:`khaos_sync.dashboard.access`), as in Oscar's dashboard. Every change is a POST with Django's
CSRF protection; retries of one item run at once, bulk retries are queued for
the worker (see ``khaos_sync.sync.core.retry``).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.db.models import QuerySet
from django.forms import Form
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import DetailView, TemplateView

from khaos_sync.dashboard.forms import (
    BulkRetryForm,
    FailureFilterForm,
    GoLiveForm,
    RunFilterForm,
    RunNowForm,
)
from khaos_sync.dashboard.links import installed_pages
from khaos_sync.dashboard.status import flow_statuses
from khaos_sync.protocol.errors import KhaosError
from khaos_sync.sync.core import golive
from khaos_sync.sync.core.backend import khaos_client
from khaos_sync.sync.core.models import FailedItem, FlowSchedule, KhaosConnection, SyncRun
from khaos_sync.sync.core.registry import FLOWS
from khaos_sync.sync.core.retry import NotRetryable, RetryOutcome, queue_for_retry, retry_item
from khaos_sync.sync.core.views import FilteredListView, back_to

PING_TIMEOUT = 10.0


class OverviewView(TemplateView):
    template_name = "khaos/dashboard/overview.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            connection=KhaosConnection.objects.filter(pk=1).first(),
            flows=flow_statuses(),
            dry_run=golive.dry_run(),
            pages=installed_pages(self.request.user),
            recent_failures=FailedItem.objects.exclude(state=FailedItem.State.RESOLVED)[:5],
            transport=settings.KHAOS_SYNC["khaos"].get("transport", "soap"),
            **kwargs,
        )


class RunListView(FilteredListView):
    template_name = "khaos/dashboard/runs.html"
    context_object_name = "runs"
    form_class = RunFilterForm
    queryset = SyncRun.objects.order_by("-started_at")


class RunDetailView(DetailView):  # type: ignore[type-arg]
    template_name = "khaos/dashboard/run.html"
    model = SyncRun
    context_object_name = "run"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(failures=self.object.failures.all()[:200], **kwargs)


class FailureListView(FilteredListView):
    """Open failures unless the form asks for a state (or "all")."""

    template_name = "khaos/dashboard/failures.html"
    context_object_name = "failures"
    form_class = FailureFilterForm
    queryset = FailedItem.objects.order_by("-updated_at")

    def narrow(self, rows: QuerySet[Any], wanted: dict[str, Any]) -> QuerySet[Any]:
        rows = super().narrow(rows, wanted)
        state = wanted.get("state", "")
        if state == "":
            return rows.exclude(state=FailedItem.State.RESOLVED)
        return rows if state == "all" else rows.filter(state=state)


class FailureDetailView(DetailView):  # type: ignore[type-arg]
    template_name = "khaos/dashboard/failure.html"
    model = FailedItem
    context_object_name = "item"


class RetryView(View):
    """Retry one failed item now and say how it went."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        item = get_object_or_404(FailedItem, pk=pk)
        try:
            outcome = retry_item(item)
        except NotRetryable as exc:
            messages.error(request, str(exc))
        else:
            report_retry(request, item, outcome)
        return HttpResponseRedirect(reverse("khaos-dashboard:failure", args=[pk]))


def report_retry(request: HttpRequest, item: FailedItem, outcome: RetryOutcome) -> None:
    if outcome == RetryOutcome.RESOLVED:
        messages.success(request, f"{item.key} went through; the item is resolved.")
    elif outcome == RetryOutcome.QUEUED:
        messages.info(
            request, f"The {item.flow} flow is running; {item.key} is queued for the worker."
        )
    else:
        messages.error(request, f"{item.key} failed again: {item.error}")


class BulkRetryView(View):
    """Queue the ticked items; the worker retries them within seconds."""

    def post(self, request: HttpRequest) -> HttpResponse:
        form = BulkRetryForm(request.POST)
        if form.is_valid():
            queued = queue_for_retry([item.pk for item in form.cleaned_data["ids"]])
            messages.success(request, f"{queued} item(s) queued for retry by the worker.")
        else:
            say_errors(request, form)
        return HttpResponseRedirect(back_to(request, reverse("khaos-dashboard:failures")))


def say_errors(request: HttpRequest, form: Form) -> None:
    """Each of the form's errors as a message on the page the person goes back to."""
    for errors in form.errors.values():
        messages.error(request, " ".join(str(error) for error in errors))


class GoLiveView(View):
    def post(self, request: HttpRequest) -> HttpResponse:
        form = GoLiveForm(request.POST)
        if not form.is_valid():
            say_errors(request, form)
            return HttpResponseRedirect(reverse("khaos-dashboard:index") + "#golive")
        golive.set_dry_run(form.dry_run, by=request.user.get_username())
        if form.dry_run:
            messages.warning(request, "Dry run: nothing will be written to Khaos.")
        else:
            messages.success(request, "Live: orders are sent to Khaos.")
        return HttpResponseRedirect(reverse("khaos-dashboard:index"))


class RunNowView(View):
    """Make a scheduled flow due now: the next free worker runs it at once.

    The run happens in the worker, not in this request: a catalogue pull can take
    longer than any web timeout, and the worker keeps flows from overlapping.
    """

    def post(self, request: HttpRequest) -> HttpResponse:
        form = RunNowForm(request.POST)
        spec = FLOWS.get(form.data.get("flow", "")) if form.is_valid() else None
        if spec is None or spec.interval is None:
            messages.error(request, "That flow cannot be run from here.")
        else:
            FlowSchedule.objects.update_or_create(
                flow=spec.name, defaults={"next_due_at": timezone.now()}
            )
            messages.success(request, f"{spec.label}: the next free worker runs it now.")
        return HttpResponseRedirect(reverse("khaos-dashboard:index") + "#flows")


class PingView(View):
    """Ask Khaos for its version now (the cheapest call there is)."""

    def post(self, request: HttpRequest) -> HttpResponse:
        try:
            with khaos_client() as client:
                version = client.get_version(timeout=PING_TIMEOUT)
        except (KhaosError, RuntimeError) as exc:
            messages.error(request, f"Khaos did not answer: {exc}")
        else:
            messages.success(request, f"Khaos answered: version {version}.")
        return HttpResponseRedirect(reverse("khaos-dashboard:index"))
