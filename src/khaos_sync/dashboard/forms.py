"""Forms of the Khaos dashboard section."""

from __future__ import annotations

from django import forms

from khaos_sync.sync.core.models import FailedItem, Flow


class FailureFilterForm(forms.Form):
    flow = forms.ChoiceField(choices=[("", "All flows"), *Flow.choices], required=False)
    state = forms.ChoiceField(
        choices=[("", "Open and queued"), *FailedItem.State.choices, ("all", "All")],
        required=False,
    )


class RunFilterForm(forms.Form):
    flow = forms.ChoiceField(choices=[("", "All flows"), *Flow.choices], required=False)


class BulkRetryForm(forms.Form):
    ids = forms.ModelMultipleChoiceField(
        queryset=FailedItem.objects.exclude(state=FailedItem.State.RESOLVED),
        error_messages={"required": "Tick the items to retry first."},
    )


class GoLiveForm(forms.Form):
    dry_run = forms.BooleanField(required=False)
