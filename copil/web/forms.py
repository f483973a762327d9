"""Forms of the meeting pages (DSFR-styled). Choices come from the plan; the services check the policy."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm

from copil.plans.models import Action, Axis, Partner, Plan


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class CopilForm(DsfrBaseForm):
    """DSFR form marking the optional fields, as the DSFR recommends (without django-dsfr's transition warnings)."""

    def get_context(self) -> dict[str, Any]:
        context = forms.Form.get_context(self)
        context["DSFR_MARK_OPTIONAL_FIELDS"] = True
        return context


class MeetingForm(CopilForm):
    title = forms.CharField(label=_("Title"), max_length=300, initial=_("Steering committee"))
    held_on = forms.DateField(label=_("Date"), widget=DateInput())
    place = forms.CharField(label=_("Place"), max_length=300, required=False)


class AttendeesForm(CopilForm):
    attendees = forms.ModelMultipleChoiceField(
        label=_("Partners present"),
        queryset=Partner.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, plan: Plan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = Partner.objects.filter(plan=plan).exclude(role="public").order_by("name")


class DecisionForm(CopilForm):
    text = forms.CharField(label=_("Decision"), widget=forms.Textarea(attrs={"rows": 3}))
    action_title = forms.CharField(
        label=_("Action item"),
        max_length=300,
        required=False,
        help_text=_("What must be done to carry out the decision."),
    )
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=Partner.objects.none(), required=False)
    due_on = forms.DateField(label=_("Due date"), widget=DateInput(), required=False)
    axis = forms.ModelChoiceField(label=_("Axis"), queryset=Axis.objects.none(), required=False)

    def __init__(self, *args: Any, plan: Plan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = Partner.objects.filter(plan=plan).exclude(role="public").order_by("name")
        self.fields["axis"].queryset = Axis.objects.filter(plan=plan).order_by("position")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("action_title") and not data.get("owner"):
            self.add_error("owner", _("An action item needs an owner."))
        return data


class DecisionTextForm(CopilForm):
    text = forms.CharField(label=_("Decision"), widget=forms.Textarea(attrs={"rows": 4}))


class ActionStatusForm(CopilForm):
    status = forms.ChoiceField(label=_("Status"), choices=Action.Status.choices)


class LetterheadForm(CopilForm):
    """The co-pilots and logos printed at the head of the plan's documents (`plans.actions.set_letterhead`)."""

    prefect = forms.CharField(label=_("Prefect (name and title)"), max_length=200, required=False)
    mayor = forms.CharField(label=_("Mayor (name and title)"), max_length=200, required=False)
    prosecutor = forms.CharField(label=_("Public prosecutor (name and title)"), max_length=200, required=False)
    logo_prefecture = forms.FileField(
        label=_("Logo of the préfecture"), required=False, help_text=_("PNG, JPEG or SVG, 512 KB at most.")
    )
    remove_logo_prefecture = forms.BooleanField(label=_("Remove this logo"), required=False)
    logo_city = forms.FileField(
        label=_("Logo of the city"), required=False, help_text=_("PNG, JPEG or SVG, 512 KB at most.")
    )
    remove_logo_city = forms.BooleanField(label=_("Remove this logo"), required=False)
    logo_prosecution = forms.FileField(
        label=_("Logo of the parquet"), required=False, help_text=_("PNG, JPEG or SVG, 512 KB at most.")
    )
    remove_logo_prosecution = forms.BooleanField(label=_("Remove this logo"), required=False)


class ForewordForm(CopilForm):
    foreword = forms.CharField(
        label=_("Foreword"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("The préfecture's own words, printed before the bilan in the editable document (ODT)."),
    )
