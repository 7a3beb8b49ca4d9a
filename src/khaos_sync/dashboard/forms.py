"""Forms of the Khaos dashboard section."""

from __future__ import annotations

from django import forms

from khaos_sync.sync.core.models import FailedItem
from khaos_sync.sync.core.registry import flow_choices


def flow_filter_choices() -> list[tuple[str, str]]:
    return [("", "All flows"), *flow_choices()]


class FailureFilterForm(forms.Form):
    flow = forms.ChoiceField(choices=flow_filter_choices, required=False)
    state = forms.ChoiceField(
        choices=[("", "Open and queued"), *FailedItem.State.choices, ("all", "All")],
        required=False,
    )


class RunFilterForm(forms.Form):
    flow = forms.ChoiceField(choices=flow_filter_choices, required=False)


class BulkRetryForm(forms.Form):
    ids = forms.ModelMultipleChoiceField(
        queryset=FailedItem.objects.exclude(state=FailedItem.State.RESOLVED),
        error_messages={"required": "Tick the items to retry first."},
    )


class GoLiveForm(forms.Form):
    """Switch between dry run and live; going live must be confirmed in so many words."""

    LIVE = "live"
    DRY_RUN = "dry_run"

    mode = forms.ChoiceField(
        choices=[(LIVE, "Live: send orders to Khaos"), (DRY_RUN, "Dry run: write nothing")],
        error_messages={"required": "Choose live or dry run."},
    )
    confirm = forms.BooleanField(
        required=False,
        label="I understand that every waiting order will be sent to Khaos",
    )

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        if cleaned.get("mode") == self.LIVE and not cleaned.get("confirm"):
            self.add_error(
                "confirm", "Tick the confirmation first: going live sends orders to Khaos."
            )
        return cleaned

    @property
    def dry_run(self) -> bool:
        return bool(self.cleaned_data["mode"] == self.DRY_RUN)


class RunNowForm(forms.Form):
    flow = forms.CharField(max_length=50)
