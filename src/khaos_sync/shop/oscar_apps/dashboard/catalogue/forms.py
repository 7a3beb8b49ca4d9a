"""Oscar's dashboard catalogue forms, with the product fields a Khaos catalogue adds."""

from django import forms
from oscar.apps.dashboard.catalogue import forms as oscar_forms
from oscar.apps.dashboard.catalogue.forms import *  # noqa: F403  Oscar's documented fork pattern


class ProductForm(oscar_forms.ProductForm):
    seo_fields = ["meta_title", "meta_description", "meta_keywords", "slug"]

    class Meta(oscar_forms.ProductForm.Meta):
        fields = [*oscar_forms.ProductForm.Meta.fields, "summary", "meta_keywords", "tags"]
        widgets = {
            **oscar_forms.ProductForm.Meta.widgets,
            "summary": forms.Textarea(attrs={"rows": 3, "class": "no-widget-init"}),
            "tags": forms.SelectMultiple(attrs={"size": 8}),
        }
