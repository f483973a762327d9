"""Forms of the bilan versions page (DSFR-styled): preparing a version, recording its approval, withdrawing it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from copil.plans.models import Meeting, Plan
from copil.reports.models import BilanVersion

from .forms import CopilForm, DateInput


class PrepareBilanForm(CopilForm):
    start = forms.DateField(label=_("First day"), widget=DateInput())
    end = forms.DateField(label=_("Last day"), widget=DateInput())
    variant = forms.ChoiceField(
        label=_("Variant"), choices=BilanVersion.Variant.choices, initial=BilanVersion.Variant.PUBLIC
    )
    change_note = forms.CharField(
        label=_("Change note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For a correction: what changed since the previous version."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            self.add_error("end", _("The last day must come after the first day."))
        return data


class ApproveBilanForm(CopilForm):
    meeting = forms.ModelChoiceField(label=_("Approving meeting"), queryset=Meeting.objects.none())
    approved_on = forms.DateField(label=_("Approval date"), widget=DateInput())

    def __init__(self, *args: Any, plan: Plan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = Meeting.objects.filter(plan=plan).order_by("-held_on", "-pk")


class WithdrawBilanForm(CopilForm):
    reason = forms.CharField(label=_("Reason for withdrawal"), max_length=1000)
