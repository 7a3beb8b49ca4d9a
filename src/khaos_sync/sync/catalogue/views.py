"""Dashboard pages of the catalogue flow: the review queue and upstream changes."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views import View
from oscar.core.loading import get_model

from khaos_sync.sync.catalogue.models import ReviewFlag, UpstreamChange
from khaos_sync.sync.catalogue.ownership import accept_change, dismiss_change
from khaos_sync.sync.core.views import PagedListView, back_to

Product = get_model("catalogue", "Product")
FLAGS_SHOWN = 200


class AwaitingReviewView(PagedListView):
    """Products new from Khaos that nobody has published yet."""

    template_name = "khaos/catalogue/review.html"
    context_object_name = "products"
    queryset = (
        Product.objects.filter(khaos__isnull=False, published=False)
        .exclude(structure=Product.CHILD)
        .select_related("khaos")
        .order_by("-date_created", "upc")
    )

    def get_context_data(self, **kwargs):  # type: ignore[no-untyped-def]
        context = super().get_context_data(**kwargs)
        # Khaos records kept as they could be taken, each with why a person should look.
        context["flags"] = ReviewFlag.objects.filter(resolved_at=None).select_related("product")[
            :FLAGS_SHOWN
        ]
        context["flag_count"] = ReviewFlag.objects.filter(resolved_at=None).count()
        return context


class UpstreamChangesView(PagedListView):
    """Changes Khaos made to fields a person owns, waiting to be accepted or dismissed."""

    template_name = "khaos/catalogue/changes.html"
    context_object_name = "changes"
    queryset = (
        UpstreamChange.objects.filter(state=UpstreamChange.State.PENDING)
        .select_related("binding__product")
        .order_by("-received_at")
    )


class DecideChangeView(View):
    """POST only: accept or dismiss one pending change, then go back where the person was."""

    decide = staticmethod(accept_change)
    verb = "accepted"

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        change = get_object_or_404(UpstreamChange, pk=pk, state=UpstreamChange.State.PENDING)
        self.decide(change, request.user)
        messages.success(
            request, f"Khaos change to {change.field} of {change.binding.stock_code} {self.verb}."
        )
        return HttpResponseRedirect(back_to(request, reverse("khaos-catalogue:changes")))


class DismissChangeView(DecideChangeView):
    decide = staticmethod(dismiss_change)
    verb = "dismissed"
