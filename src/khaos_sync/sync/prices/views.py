"""Dashboard pages of the price lists: the lists, one list, and the price check."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Count
from django.views.generic import DetailView, FormView, ListView
from oscar.core.loading import get_model

from khaos_sync.sync.catalogue.models import ProductBinding
from khaos_sync.sync.prices.models import PriceList
from khaos_sync.sync.prices.quote import Quote, quote

Product = get_model("catalogue", "Product")


class PriceListsView(ListView):  # type: ignore[type-arg]
    """Every price list, who it is for and how many breaks it holds."""

    template_name = "khaos/prices/lists.html"
    context_object_name = "price_lists"

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return PriceList.objects.annotate(entry_count=Count("entries")).prefetch_related(
            "assignments"
        )


class PriceListDetailView(DetailView):  # type: ignore[type-arg]
    template_name = "khaos/prices/detail.html"
    context_object_name = "price_list"
    model = PriceList

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["entries"] = self.object.entries.all()[:2000]
        return context


class PriceCheckForm(forms.Form):
    customer = forms.CharField(
        required=False,
        label="Customer",
        help_text="E-mail of the account, or its Khaos COMPANY_CODE; empty: a visitor",
    )
    product = forms.CharField(label="Product", help_text="Khaos stock code or shop SKU")
    quantity = forms.IntegerField(min_value=1, max_value=1_000_000, initial=1)

    def clean_customer(self) -> Any:
        text = self.cleaned_data["customer"].strip()
        if not text:
            return None
        users = get_user_model().objects
        user = (
            users.filter(email__iexact=text).first()
            or users.filter(khaos_customer__company_code=text).first()
        )
        if user is None:
            raise forms.ValidationError(f"No account has the e-mail or Khaos code {text!r}")
        return user

    def clean_product(self) -> Any:
        text = self.cleaned_data["product"].strip()
        binding = ProductBinding.objects.filter(stock_code=text).select_related("product").first()
        product = binding.product if binding else Product.objects.filter(upc=text).first()
        if product is None:
            raise forms.ValidationError(f"No product has the stock code or SKU {text!r}")
        return product


class PriceCheckView(FormView):  # type: ignore[type-arg]
    """The price a given customer would pay for a product at a quantity."""

    template_name = "khaos/prices/check.html"
    form_class = PriceCheckForm

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        if "product" in self.request.GET:
            kwargs["data"] = self.request.GET
        return kwargs

    def get(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        form = self.get_form()
        result: Quote | None = None
        if form.is_bound and form.is_valid():
            data = form.cleaned_data
            result = quote(data["product"], data["customer"], data["quantity"])
        return self.render_to_response(self.get_context_data(form=form, quote=result))
