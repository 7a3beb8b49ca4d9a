"""Oscar's product editor, recording which presentation fields a person takes over.

Once a person edits a field here, later Khaos changes to it are held as
pending upstream changes instead of overwriting the edit (mapping.md §1).
"""

from oscar.apps.dashboard.catalogue import views as oscar_views
from oscar.apps.dashboard.catalogue.views import *  # noqa: F403  Oscar's documented fork pattern

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

    def get_context_data(self, **kwargs):  # type: ignore[no-untyped-def]
        context = super().get_context_data(**kwargs)
        context["pending_changes"] = pending_changes_for(self.object) if self.object else []
        return context
