"""Oscar's product editor, recording which presentation fields a person takes over.

Once a person edits a field here, later Khaos changes to it are held as
pending upstream changes instead of overwriting the edit (mapping.md §1).
"""

from django.utils import timezone
from oscar.apps.dashboard.catalogue import views as oscar_views
from oscar.apps.dashboard.catalogue.views import *  # noqa: F403  Oscar's documented fork pattern

from khaos_sync.shop.oscar_apps.dashboard.catalogue.forms import DELETED_IN_KHAOS
from khaos_sync.store.review_flags import open_flag, open_flags_of
from khaos_sync.sync.catalogue.models import ReviewFlag
from khaos_sync.sync.catalogue.ownership import (
    edited_presentation_fields,
    pending_changes_for,
    record_person_edits,
)


class ProductCreateUpdateView(oscar_views.ProductCreateUpdateView):
    def forms_valid(self, form, formsets):  # type: ignore[no-untyped-def]
        edited = edited_presentation_fields(form, formsets)
        response = super().forms_valid(form, formsets)
        if not self.creating:
            record_person_edits(self.object, edited)
        return response

    def forms_invalid(self, form, formsets):  # type: ignore[no-untyped-def]
        if getattr(form, "refused_deleted", False):
            binding = getattr(self.object, "khaos", None)
            if binding is not None:
                reason = f"{self.request.user} tried to publish it: {DELETED_IN_KHAOS}"
                open_flag(
                    ReviewFlag.Kind.DELETED,
                    binding.stock_id,
                    self.object.pk,
                    reason,
                    timezone.now(),
                )
        return super().forms_invalid(form, formsets)

    def get_context_data(self, **kwargs):  # type: ignore[no-untyped-def]
        context = super().get_context_data(**kwargs)
        context["pending_changes"] = pending_changes_for(self.object) if self.object else []
        context["khaos_flags"] = open_flags_of(self.object.pk) if self.object else []
        return context
