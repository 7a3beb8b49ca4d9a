"""Oscar's dashboard catalogue forms, with the product fields a Khaos catalogue adds."""

from django import forms
from oscar.apps.dashboard.catalogue import forms as oscar_forms
from oscar.apps.dashboard.catalogue.forms import *  # noqa: F403  Oscar's documented fork pattern

DELETED_IN_KHAOS = (
    "This item is deleted in Khaos (not on the web, or discontinued), so the shop cannot "
    "show it. Offer it on the web again in Khaos; it can be published after the next "
    "catalogue sync."
)


class ProductForm(oscar_forms.ProductForm):
    refused_deleted = False

    seo_fields = ["meta_title", "meta_description", "meta_keywords", "slug"]

    class Meta(oscar_forms.ProductForm.Meta):
        fields = [*oscar_forms.ProductForm.Meta.fields, "summary", "meta_keywords", "tags"]
        widgets = {
            **oscar_forms.ProductForm.Meta.widgets,
            "summary": forms.Textarea(attrs={"rows": 3, "class": "no-widget-init"}),
            "tags": forms.SelectMultiple(attrs={"size": 8}),
        }

    def clean_is_public(self) -> bool:
        """Ticking "Is public" on an item Khaos deleted is refused with the reason.

        The shop hides what Khaos deleted (DELETED=-1: off the web or
        discontinued); saving would silently un-tick the box.
        """
        wanted = bool(self.cleaned_data.get("is_public"))
        if wanted and "is_public" in self.changed_data and self.instance.khaos_deleted:
            self.refused_deleted = True
            raise forms.ValidationError(DELETED_IN_KHAOS)
        return wanted
