"""Product pages: a picker for variants, and variant pages that read like their parent."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import http
from django.contrib import messages
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from oscar.apps.catalogue.views import *  # noqa: F403  Oscar's documented fork pattern
from oscar.apps.catalogue.views import ProductDetailView as OscarProductDetailView
from oscar.core.loading import get_class, get_model

from khaos_sync.shop.oscar_apps.catalogue.variants import VariantPicker

Product = get_model("catalogue", "Product")
BasketAddView = get_class("basket.views", "BasketAddView")


def inherited(product: Any, name: str) -> str:
    """A variant's own text, else its parent's (catalogue mapping: children inherit)."""
    own = getattr(product, name) or ""
    if own.strip() or not product.is_child:
        return str(own)
    return str(getattr(product.parent, name) or "")


class ProductDetailView(OscarProductDetailView):
    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx: dict[str, Any] = super().get_context_data(**kwargs)
        product = self.object
        ctx["product_description"] = inherited(product, "description")
        ctx["product_summary"] = inherited(product, "summary")
        if product.is_parent:
            picker = VariantPicker(product, self.request.strategy, self.request.GET)
            ctx["picker"] = picker
            ctx["picker_json"] = picker.as_json()
        return ctx


class VariantAddView(BasketAddView):  # type: ignore[valid-type]
    """Adds the variant named by the picker's options: the form works without a script."""

    def post(self, request: http.HttpRequest, *args: Any, **kwargs: Any) -> http.HttpResponse:
        self.product = get_object_or_404(Product, pk=kwargs["pk"], structure=Product.PARENT)
        self.picker = VariantPicker(self.product, request.strategy, request.POST)  # type: ignore[attr-defined]
        if self.picker.selected is None:
            names = [h.name for h in self.picker.headings if h.code not in self.picker.chosen]
            messages.error(request, self.missing_message(names))
            return self.back_to_product()
        response: http.HttpResponse = super().post(request, *args, **kwargs)
        return response

    def missing_message(self, names: list[str]) -> str:
        if names:
            return _("Please choose: %(names)s.") % {"names": ", ".join(names)}
        return _("That combination is not available.")

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs: dict[str, Any] = super().get_form_kwargs()
        selected = self.picker.selected
        assert selected is not None  # post() answered every incomplete choice
        data = kwargs["data"].copy()
        data["child_id"] = str(selected.product.pk)
        kwargs["data"] = data
        return kwargs

    def form_invalid(self, form: Any) -> http.HttpResponse:
        for errors in form.errors.values():
            for error in errors:
                messages.error(self.request, error)
        return self.back_to_product()

    def back_to_product(self) -> http.HttpResponse:
        """The product page with the choice kept, so a person can change one option."""
        query = urlencode(self.picker.chosen)
        url = self.product.get_absolute_url()
        return http.HttpResponseRedirect(f"{url}?{query}" if query else url)
