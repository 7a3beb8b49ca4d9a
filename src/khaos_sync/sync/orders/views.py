"""Dashboard pages of the order export: the outbox, retry and bulk retry."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import ListView

from khaos_sync.sync.orders.flow import requeue, requeue_all_held
from khaos_sync.sync.orders.models import OrderExport

State = OrderExport.State


def state_counts() -> dict[str, int]:
    rows = OrderExport.objects.values("state").annotate(n=Count("pk"))
    return {row["state"]: row["n"] for row in rows}


class ExportListView(ListView):  # type: ignore[type-arg]
    """The outbox: every order's way into Khaos, filtered by state."""

    template_name = "khaos/orders/exports.html"
    context_object_name = "exports"
    paginate_by = 50

    def get_queryset(self):  # type: ignore[no-untyped-def]
        queryset = OrderExport.objects.select_related("order").order_by("-created_at")
        state = self.request.GET.get("state", "")
        return queryset.filter(state=state) if state in State.values else queryset

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["states"] = State.choices
        context["counts"] = state_counts()
        context["current_state"] = self.request.GET.get("state", "")
        return context


class RetryView(View):
    """POST: send one held or failed order again."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        export = get_object_or_404(OrderExport, pk=pk)
        if requeue([export]):
            messages.success(request, f"Order {export.order_number} will be sent to Khaos again.")
        else:
            messages.warning(
                request,
                f"Order {export.order_number} is {export.get_state_display().lower()}: nothing to retry.",
            )
        return back(request)


class BulkRetryView(View):
    """POST: send the selected held or failed orders again (``all`` = every one of them)."""

    def post(self, request: HttpRequest) -> HttpResponse:
        if request.POST.get("all"):
            count = requeue_all_held()
        else:
            ids = [int(pk) for pk in request.POST.getlist("export") if pk.isdigit()]
            count = requeue(OrderExport.objects.filter(pk__in=ids))
        if count:
            text = ngettext(
                "%(count)d order will be sent to Khaos again.",
                "%(count)d orders will be sent to Khaos again.",
                count,
            ) % {"count": count}
            messages.success(request, text)
        else:
            messages.info(request, "No held or failed orders to retry.")
        return back(request)


def back(request: HttpRequest) -> HttpResponseRedirect:
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = reverse("khaos-orders:list")
    return HttpResponseRedirect(target)
