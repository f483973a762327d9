"""Forms of the signalement pages (DSFR-styled). Choices come from the plan and from what the user may read;
the actions (`copil.signalements.actions`) check the policy and the name check again on save."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from copil.access import policy
from copil.access.actors import Actor
from copil.formats.render import reference_label
from copil.plans.models import Partner, Plan, Territory
from copil.records.models import DealPoint, EvictionProcedure, Operation
from copil.signalements.models import Category, Signalement
from copil.signalements.names import find_personal_data
from copil.web.forms import CopilForm

MAX_PHOTOS = 3
MAX_PHOTO_BYTES = 8 * 1024 * 1024  # before the server's re-encoding; the offline app resizes on the phone
LINK_LIMIT = 300


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        if len(files) > MAX_PHOTOS:
            raise ValidationError(_("At most {count} photos.").format(count=MAX_PHOTOS))
        for upload in files:
            if upload.size > MAX_PHOTO_BYTES:
                raise ValidationError(
                    _("The photo « {name} » is too large ({size} MB at most).").format(
                        name=upload.name, size=MAX_PHOTO_BYTES // (1024 * 1024)
                    )
                )
        return list(files)


def _categories(plan: Plan) -> Any:
    return Category.objects.filter(plan=plan, active=True).order_by("label")


class SignalementForm(CopilForm):
    """A new signalement: category, what was seen (no name, no birth date), where, when, photos."""

    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.none(), empty_label=None)
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "No name and no date of birth: describe what you saw (« deux hommes, hall B »), never who. "
            "The text is checked before saving."
        ),
    )
    observed_at = forms.DateTimeField(
        label=_("Seen on"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"],
    )
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    latitude = forms.DecimalField(
        label=_("Latitude"), max_digits=9, decimal_places=6, min_value=-90, max_value=90, required=False
    )
    longitude = forms.DecimalField(
        label=_("Longitude"), max_digits=9, decimal_places=6, min_value=-180, max_value=180, required=False
    )
    photos = MultiplePhotoField(
        label=_("Photos"), required=False, help_text=_("Up to 3 photos; their metadata (place, device) is removed.")
    )
    client_id = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, plan: Plan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = _categories(plan)
        for name in ("latitude", "longitude"):
            self.fields[name].widget.attrs.update({"inputmode": "decimal", "step": "any"})

    def clean_description(self) -> str:
        text: str = self.cleaned_data["description"].strip()
        reasons = find_personal_data(text)
        if reasons:
            raise ValidationError([str(reason) for reason in reasons])
        return text

    def clean_observed_at(self) -> datetime.datetime:
        value: datetime.datetime = self.cleaned_data["observed_at"]
        if value > timezone.now() + datetime.timedelta(minutes=5):
            raise ValidationError(_("The date is in the future."))
        return value

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        latitude, longitude = cleaned.get("latitude"), cleaned.get("longitude")
        if (latitude is None) != (longitude is None) and not self.has_error("latitude"):
            self.add_error(
                "longitude" if longitude is None else "latitude", _("Give both the latitude and the longitude.")
            )
        if not cleaned.get("address", "").strip() and latitude is None and longitude is None:
            self.add_error("address", _("Give an address or a point (GPS or map)."))
        return cleaned


class FilterForm(forms.Form):
    """The list's filters (GET): status and category."""

    statut = forms.ChoiceField(label=_("Status"), required=False)
    categorie = forms.ModelChoiceField(
        label=_("Category"), queryset=Category.objects.none(), required=False, to_field_name="code"
    )

    def __init__(self, *args: Any, plan: Plan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        status = self.fields["statut"]
        assert isinstance(status, forms.ChoiceField)
        status.choices = [("", _("All")), *Signalement.Status.choices]
        category = self.fields["categorie"]
        assert isinstance(category, forms.ModelChoiceField)
        category.queryset = Category.objects.filter(plan=plan).order_by("label")
        category.empty_label = _("All")
        for field in self.fields.values():
            field.widget.attrs["class"] = "fr-select"


class NoteForm(CopilForm):
    note = forms.CharField(label=_("What is engaged"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))


class OutcomeForm(CopilForm):
    outcome = forms.CharField(
        label=_("Reason"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("A short sentence the reporting partner reads; no name."),
    )

    def clean_outcome(self) -> str:
        text: str = self.cleaned_data["outcome"].strip()
        reasons = find_personal_data(text)
        if reasons:
            raise ValidationError([str(reason) for reason in reasons])
        return text


class ReopenForm(CopilForm):
    reason = forms.CharField(label=_("Why reopen it?"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class _RecordChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return reference_label(obj)


class LinkForm(CopilForm):
    """Link the signalement to records of the plan the user may read: a deal point, an operation, an eviction."""

    deal_point = _RecordChoiceField(label=_("Deal point"), queryset=DealPoint.objects.none(), required=False)
    operation = _RecordChoiceField(label=_("Police operation"), queryset=Operation.objects.none(), required=False)
    eviction = _RecordChoiceField(
        label=_("Eviction procedure"), queryset=EvictionProcedure.objects.none(), required=False
    )

    KINDS = {"deal_point": "deal_point", "operation": "operation", "eviction": "eviction_procedure"}
    ORDER = {"deal_point": "-identified_on", "operation": "-occurred_on", "eviction": "-opened_on"}

    def __init__(self, *args: Any, user: Actor, plan: Plan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, kind in self.KINDS.items():
            records = policy.visible_records(user, kind, plan=plan).order_by(self.ORDER[name], "-pk")
            self.fields[name].queryset = records

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if not any(cleaned.get(name) for name in self.KINDS) and not self.errors:
            raise ValidationError(_("Choose at least one record to link."))
        return cleaned


class RoutingRuleForm(CopilForm):
    """One line of the routing table: a category in a territory (empty: the whole plan) → partners."""

    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.none(), empty_label=None)
    territory = forms.ModelChoiceField(
        label=_("Territory"), queryset=Territory.objects.none(), required=False, empty_label=_("Whole plan")
    )
    responsible = forms.ModelMultipleChoiceField(
        label=_("Responsible partners"),
        queryset=Partner.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    informed = forms.ModelMultipleChoiceField(
        label=_("Informed partners"),
        queryset=Partner.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, plan: Plan, territories: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        partners = Partner.objects.filter(plan=plan).exclude(role=Partner.Role.PUBLIC).order_by("name")
        self.fields["category"].queryset = Category.objects.filter(plan=plan).order_by("label")
        self.fields["territory"].queryset = territories
        self.fields["responsible"].queryset = partners
        self.fields["informed"].queryset = partners


class CategoryDelaysForm(CopilForm):
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.none(), empty_label=None)
    take_days = forms.IntegerField(label=_("Days to take in"), min_value=0, max_value=365)
    due_days = forms.IntegerField(label=_("Days to resolve"), min_value=1, max_value=3650)

    def __init__(self, *args: Any, plan: Plan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.filter(plan=plan).order_by("label")


class CharterForm(CopilForm):
    text = forms.CharField(label=_("Text of the charter"), widget=forms.Textarea(attrs={"rows": 12}))
    required = forms.BooleanField(
        label=_("Every member must accept it before seeing signalements and person-level pages"),
        required=False,
        initial=True,
    )
