"""What the Khaos dashboard pages share: paged lists, lists narrowed by a form, going back."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.generic import ListView

PAGE_SIZE = 50


class PagedListView(ListView):  # type: ignore[type-arg]
    """A list page of ``PAGE_SIZE`` rows a page."""

    paginate_by = PAGE_SIZE


class FilteredListView(PagedListView):
    """A list page narrowed by a GET form (``form_class``), shown above the list as ``form``.

    Each field of ``by_field`` narrows the rows to those equal to its answer, if given.
    """

    form_class: type[forms.Form]
    by_field: tuple[str, ...] = ("flow",)

    def get_queryset(self) -> QuerySet[Any]:
        self.form = self.form_class(self.request.GET or None)
        wanted = self.form.cleaned_data if self.form.is_valid() else {}
        return self.narrow(super().get_queryset(), wanted)

    def narrow(self, rows: QuerySet[Any], wanted: dict[str, Any]) -> QuerySet[Any]:
        """The rows the form's valid answers ask for (``wanted`` is empty if it has none)."""
        given = {name: wanted[name] for name in self.by_field if wanted.get(name)}
        return rows.filter(**given)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(form=self.form, **kwargs)


def back_to(request: HttpRequest, fallback: str) -> str:
    """The page the person came from, if it is on this site; the form's ``next`` is untrusted."""
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return fallback
