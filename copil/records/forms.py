"""Web forms of one record of each kind, and the filters of the record lists.

A record form has one field per column of the kind's format (`copil.formats`), named after the column; its
values are checked by `copil.formats.RowParser`, i.e. by the importer's own rules, so a form refuses exactly what
a file would refuse, with the same codes and French reasons, next to the field concerned.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django import forms
from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from copil.access import policy
from copil.access.actors import Actor
from copil.access.pseudonyms import plan_key, pseudonym
from copil.formats import (
    FORMATS,
    Column,
    ColumnType,
    ParsedRow,
    RecordFormat,
    RowParser,
    record_cells,
    referable_records,
    reference_label,
)
from copil.formats.catalogue import ID
from copil.plans.models import Partner, Plan
from copil.records.actions import kind_of
from copil.records.models import Record

IDENTITY_FIELDS = ("identite_nom", "identite_prenom", "identite_naissance")
PSEUDONYM_COLUMN = "pseudonyme"
REFERENCE_LIMIT = 2000  # options of a reference list, newest first; beyond, the record is named by identifier


class PartnerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Partner) -> str:
        return obj.name


def _reference_choices(column: Column, user: Any, plan: Plan | None) -> list[tuple[str, str]]:
    """The records a reference may name, as « code:identifiant » (what the parser reads) and the label a person
    recognises them by: name or title, date, kind and place (`copil.formats.reference_label`), newest first."""
    if plan is None:
        return [("", "—")]
    fmt = FORMATS[column.references]
    records = referable_records(user, column.references, plan).select_related("partner")
    if fmt.period_column:
        records = records.order_by(f"-{fmt.column(fmt.period_column).field}", "-pk")
    return [("", "—")] + [
        (f"{record.partner.code}:{record.external_id}", reference_label(record)) for record in records[:REFERENCE_LIMIT]
    ]


def _column_field(column: Column, fmt: RecordFormat, plan: Plan | None, user: Any) -> forms.Field:
    """The form field of one column: inputs whose value the importer's parser reads, labelled and explained in
    the user's words (`Column.form_hint`), required ones marked (`required` attribute, asterisk in the label)."""
    attrs: dict[str, Any] = {"class": "fr-input"}
    if column.required and column.type not in {ColumnType.BOOLEAN, ColumnType.PARTNERS} and column is not ID:
        attrs["required"] = True
    common = {"label": column.title or column.name, "required": False, "help_text": column.form_hint}
    kind = column.type
    if kind == ColumnType.BOOLEAN:
        return forms.BooleanField(
            label=common["label"], required=False, widget=forms.CheckboxInput(attrs={"class": "fr-checkbox"})
        )
    if kind == ColumnType.PARTNERS:
        partners = Partner.objects.filter(plan=plan).order_by("name") if plan is not None else Partner.objects.none()
        return forms.MultipleChoiceField(
            label=common["label"],
            required=False,
            help_text=column.form_hint,
            choices=[(p.code, p.name) for p in partners],
            widget=forms.CheckboxSelectMultiple,
        )
    if kind == ColumnType.CHOICE:
        choices = [("", "—")] + list(fmt.choice_labels(column).items())
        return forms.CharField(widget=forms.Select(choices=choices, attrs={**attrs, "class": "fr-select"}), **common)
    if kind == ColumnType.REFERENCE:
        choices = _reference_choices(column, user, plan)
        if column.references == "deal_point":
            return forms.CharField(
                widget=DealPointPicker(
                    choices=choices,
                    points=located_deal_points(user, plan),
                    attrs={**attrs, "class": "fr-select copil-searchable"},
                ),
                **common,
            )
        return forms.CharField(
            widget=SearchableSelect(choices=choices, attrs={**attrs, "class": "fr-select copil-searchable"}),
            **common,
        )
    if kind == ColumnType.DATE:
        return forms.CharField(widget=forms.DateInput(attrs={**attrs, "type": "date"}, format="%Y-%m-%d"), **common)
    if kind == ColumnType.DATETIME:
        return forms.CharField(widget=forms.DateTimeInput(attrs={**attrs, "type": "datetime-local"}), **common)
    if kind == ColumnType.INTEGER:
        attrs["inputmode"] = "numeric"
    elif kind == ColumnType.DECIMAL:
        attrs["inputmode"] = "decimal"
    return forms.CharField(widget=forms.TextInput(attrs=attrs), strip=False, **common)


class SearchableSelect(forms.Select):
    """A drop-down list with a search box above it (`web/js/searchable-select.js`) that keeps only the options
    containing the words typed: among hundreds of operations, type « Stalingrad » or « 03/2024 »."""

    template_name = "records/widgets/searchable_select.html"


def located_deal_points(user: Any, plan: Plan | None) -> list[dict[str, Any]]:
    """The deal points the user may name in `plan` that have a position, as the map of a form draws them: the
    reference value (« code:identifiant »), the label of the list, latitude and longitude."""
    if plan is None:
        return []
    records = (
        referable_records(user, "deal_point", plan)
        .filter(latitude__isnull=False, longitude__isnull=False)
        .select_related("partner")
        .order_by("-identified_on", "-pk")
    )
    return [
        {
            "value": f"{record.partner.code}:{record.external_id}",
            "label": reference_label(record),
            "lat": float(record.latitude),
            "lon": float(record.longitude),
        }
        for record in records[:REFERENCE_LIMIT]
    ]


class DealPointPicker(SearchableSelect):
    """The searchable list of deal points with, under it, a map of those that have a position: clicking one
    chooses it in the list (`web/record-map.js`); the list stays for keyboard and screen-reader users."""

    template_name = "records/widgets/deal_point_picker.html"

    def __init__(self, *args: Any, points: list[dict[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.points = points

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["points_json"] = json.dumps(self.points, ensure_ascii=False)
        context["tile_url"] = settings.COPIL_TILE_URL
        context["tile_attribution"] = settings.COPIL_TILE_ATTRIBUTION
        return context


class RecordForm(forms.Form):
    """Create (`instance=None`, the partner chosen among those the user may create for in `plan`) or change one
    record. After `is_valid()`, `record_data` holds the field values for `create_record` / `update_record`."""

    def __init__(
        self,
        *args: Any,
        kind: str,
        user: Actor,
        plan: Plan,
        instance: Record | None = None,
        **kwargs: Any,
    ):
        self.kind, self.user, self.plan, self.instance = kind, user, plan, instance
        self.fmt: RecordFormat = FORMATS[kind]
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = initial_values(instance)
        super().__init__(*args, **kwargs)
        self.record_data: dict[str, Any] = {}
        if instance is None:
            self.fields["partenaire"] = PartnerChoiceField(
                label=_("Partner"),
                queryset=self.creatable_partners(),
                empty_label=None,
                widget=forms.Select(attrs={"class": "fr-select", "required": True}),
            )
        else:
            self.fields["version"] = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
        for column in self.fmt.columns:
            if column.name != PSEUDONYM_COLUMN:
                self.fields[column.name] = _column_field(column, self.fmt, plan, user)
        if instance is not None:
            self.fields[ID.name].help_text = ""
            self.fields[ID.name].widget.attrs["required"] = True
        if self.has_identity:
            self.fields["identite_nom"] = forms.CharField(label=_("Last name"), required=False, max_length=150)
            self.fields["identite_prenom"] = forms.CharField(label=_("First name"), required=False, max_length=150)
            self.fields["identite_naissance"] = forms.CharField(
                label=_("Birth date"), required=False, max_length=10, help_text=_("DD/MM/YYYY")
            )
            for name in IDENTITY_FIELDS:
                self.fields[name].widget.attrs.update({"class": "fr-input", "autocomplete": "off"})
                if self.identity_required:
                    self.fields[name].widget.attrs["required"] = True

    @property
    def has_identity(self) -> bool:
        """Person-level kinds: the pseudonym can be derived from the person's identity, which is not kept."""
        return any(column.name == PSEUDONYM_COLUMN for column in self.fmt.columns)

    def creatable_partners(self) -> QuerySet[Partner]:
        return policy.creatable_partners(self.user, self.kind, self.plan).order_by("name")

    @property
    def identity_required(self) -> bool:
        """A new record whose pseudonym is required needs the identity it is computed from."""
        return self.instance is None and any(
            column.name == PSEUDONYM_COLUMN and column.required for column in self.fmt.columns
        )

    @property
    def column_fields(self) -> list[forms.BoundField]:
        """The record's own fields; the pseudonym is never typed (it is computed from the identity)."""
        return [self[column.name] for column in self.fmt.columns if column.name != PSEUDONYM_COLUMN]

    @property
    def has_point_map(self) -> bool:
        """Kinds located by latitude and longitude get a map whose click sets both."""
        names = {column.name for column in self.fmt.columns}
        return {"latitude", "longitude"} <= names

    @property
    def point_map(self) -> dict[str, Any]:
        """What the position map of the form needs: the inputs it fills and the plan's located deal points."""
        return {
            "latitude": self["latitude"].id_for_label,
            "longitude": self["longitude"].id_for_label,
            "points_json": json.dumps(located_deal_points(self.user, self.plan), ensure_ascii=False),
            "tile_url": settings.COPIL_TILE_URL,
            "tile_attribution": settings.COPIL_TILE_ATTRIBUTION,
        }

    @property
    def has_map(self) -> bool:
        return self.has_point_map or any(isinstance(f.widget, DealPointPicker) for f in self.fields.values())

    @property
    def identity_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in IDENTITY_FIELDS] if self.has_identity else []

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        partner = self.instance.partner if self.instance is not None else cleaned.get("partenaire")
        if partner is None:
            return cleaned
        cells = {column.name: cleaned.get(column.name) for column in self.fmt.columns}
        generated_id = self.instance is None and not (cleaned.get(ID.name) or "").strip()
        if generated_id:  # given by `create_record`; this one only passes the parser's required check
            from copil.records.actions import next_external_id

            cells[ID.name] = next_external_id(self.kind, partner, timezone.localdate().year)
        if self.has_identity:
            if self.instance is not None:
                cells[PSEUDONYM_COLUMN] = getattr(self.instance, self.fmt.column(PSEUDONYM_COLUMN).field)
            if self.identity_required or any(cleaned.get(name) for name in IDENTITY_FIELDS):
                derived = self._pseudonym(cleaned)
                if derived is None:
                    return cleaned
                cells[PSEUDONYM_COLUMN] = derived
        parsed: ParsedRow = RowParser(self.kind, self.plan, partner, actor=self.user).parse(
            cells, instance=self.instance
        )
        for column, refusals in parsed.errors.items():
            for refusal in refusals:
                self.add_error(column, forms.ValidationError(refusal.reason, code=refusal.code.value))
        self.record_data = parsed.data
        if generated_id:
            self.record_data.pop(ID.field, None)
        return cleaned

    def _pseudonym(self, cleaned: dict[str, Any]) -> str | None:
        missing = [name for name in IDENTITY_FIELDS if not cleaned.get(name)]
        message = (
            _("Give the person's last name, first name and birth date: Copil computes the pseudonym from them.")
            if self.identity_required
            else _("Give the last name, first name and birth date, or none of them.")
        )
        for name in missing:
            self.add_error(name, message)
        if missing:
            return None
        try:
            return pseudonym(
                cleaned["identite_nom"],
                cleaned["identite_prenom"],
                cleaned["identite_naissance"],
                key=plan_key(self.plan),
            )
        except ValueError as error:
            self.add_error("identite_naissance", str(error))
            return None

    def add_model_errors(self, errors: dict[str, list[str]]) -> None:
        """Errors raised by the record actions, by column ("" for the form as a whole)."""
        for column, messages in errors.items():
            for message in messages:
                self.add_error(column if column in self.fields else None, message)


def initial_values(record: Record) -> dict[str, Any]:
    """The edit form's initial values: the record's cells (choices by code, booleans and signatories typed)."""
    fmt = FORMATS[kind_of(record)]
    cells = record_cells(record)
    for column in fmt.columns:
        value = getattr(record, column.field)
        if column.type == ColumnType.CHOICE:
            cells[column.name] = value or ""
        elif column.type == ColumnType.BOOLEAN:
            cells[column.name] = bool(value)
        elif column.type == ColumnType.PARTNERS:
            cells[column.name] = sorted(partner.code for partner in value.all())
        elif column.type == ColumnType.REFERENCE and value is not None:
            cells[column.name] = f"{value.partner.code}:{value.external_id}"
    cells["version"] = record.version
    return cells


# --- list filters -------------------------------------------------------------------------------------------------


class RecordFilterForm(forms.Form):
    """Filters of a record list: plan (slug), dates (`du`, `au`, on the kind's date), partner (code), and one
    filter per enumeration column of the kind (by code)."""

    plan = forms.SlugField(label=_("Plan"), required=False)
    du = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    au = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    partenaire = forms.SlugField(label=_("Partner"), required=False)

    def __init__(self, *args: Any, kind: str, plans: QuerySet[Plan], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fmt = FORMATS[kind]
        self.fields["plan"].widget = forms.Select(choices=[("", _("All"))] + [(p.slug, p.name) for p in plans])
        for column in self.choice_columns:
            self.fields[column.name] = forms.ChoiceField(
                label=column.title or column.name,
                required=False,
                choices=[("", _("All"))] + list(self.fmt.choice_labels(column).items()),
            )
        for field in self.fields.values():
            css = "fr-select" if isinstance(field.widget, forms.Select) else "fr-input"
            field.widget.attrs.setdefault("class", css)

    @property
    def choice_columns(self) -> list[Column]:
        return [column for column in self.fmt.columns if column.type == ColumnType.CHOICE]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        start, end = cleaned.get("du"), cleaned.get("au")
        if isinstance(start, dt.date) and isinstance(end, dt.date) and end < start:
            self.add_error("au", _("The end date precedes the start date."))
        return cleaned
