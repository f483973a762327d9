"""The data protection officer's page: a person's records in the plan from their identity, and the answers to
their rights (export, rectification, restriction, erasure). The identity travels only in POST bodies, never in
an address, and is hidden from error reports."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.debug import sensitive_post_parameters

from copil.access import data_protection
from copil.access.policy import PSEUDONYMISED_KINDS
from copil.access.pseudonyms import IDENTITY_FIELDS, normalize_birth_date
from copil.plans.models import Plan
from copil.records.actions import StaleRecord
from copil.records.models import RECORD_KINDS

from . import rights

STEPS = ("search", "export", "restrict", "lift", "erase", "rectify")


class PersonForm(forms.Form):
    """The identity as the referral form asks for it."""

    last_name = forms.CharField(label=gettext_lazy("Last name"), max_length=150)
    first_name = forms.CharField(label=gettext_lazy("First name"), max_length=150)
    birth_date = forms.CharField(label=gettext_lazy("Birth date"), max_length=10, help_text=gettext_lazy("DD/MM/YYYY"))

    def clean_birth_date(self) -> str:
        try:
            return normalize_birth_date(self.cleaned_data["birth_date"])
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None

    def identity(self) -> rights.Identity:
        return rights.Identity(*(self.cleaned_data[name] for name in IDENTITY_FIELDS))


@sensitive_post_parameters(*IDENTITY_FIELDS)
@login_required
def person(request: HttpRequest, slug: str) -> HttpResponse:
    plan = get_object_or_404(Plan, slug=slug)
    data_protection.require_rights(request.user, plan)
    form = PersonForm(request.POST or None)
    found = None
    if request.method == "POST" and form.is_valid():
        identity = form.identity()
        step = request.POST.get("step") if request.POST.get("step") in STEPS else "search"
        if step == "export":
            response = HttpResponse(
                rights.export_person(request.user, plan, identity), content_type="application/json; charset=utf-8"
            )
            response["Content-Disposition"] = f'attachment; filename="droit-d-acces-{plan.slug}.json"'
            return response
        if step == "restrict":
            count = rights.restrict_person(request.user, plan, identity)
            messages.success(
                request,
                ngettext("%(count)d record restricted.", "%(count)d records restricted.", count) % {"count": count},
            )
        elif step == "lift":
            count = rights.lift_restriction(request.user, plan, identity)
            messages.success(
                request,
                ngettext("%(count)d restriction lifted.", "%(count)d restrictions lifted.", count) % {"count": count},
            )
        elif step == "rectify":
            _rectify(request, plan, identity)
        elif step == "erase" and request.POST.get("confirm") != "1":
            messages.error(request, _("Tick the confirmation box: the erasure cannot be undone."))
        elif step == "erase":
            count = rights.erase_person(request.user, plan, identity)
            messages.success(
                request,
                ngettext("%(count)d record anonymised.", "%(count)d records anonymised.", count) % {"count": count},
            )
        found = rights.search_person(request.user, plan, identity)
    rows = []
    if found is not None:
        restricted = found.restricted()
        rows = [
            {
                "kind": record._meta.verbose_name,
                "record": record,
                "ref": f"{kind}:{record.pk}",
                "restricted": (kind, record.pk) in restricted,
                "fields": [
                    (name, field.verbose_name, _display(record, field))
                    for name, field in rights.rectifiable_fields(kind).items()
                ],
            }
            for kind, records in found.by_kind.items()
            for record in records
        ]
    return render(request, "privacy/person.html", {"plan": plan, "form": form, "found": found, "rows": rows})


def _display(record: Any, field: Any) -> str:
    """A field's value as the page shows it: choices by their label, dates in French, « oui »/« non »."""
    value = getattr(record, field.attname)
    if value is None or value == "":
        return "—"
    if field.choices:
        return str(getattr(record, f"get_{field.name}_display")())
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, dt.date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    return str(value)


def _form_field_value(field: Any, text: str) -> Any:
    """The value typed for a model field, read as its form field reads French input (dates in DD/MM/YYYY,
    « oui »/« non » for yes/no)."""
    if isinstance(field, models.BooleanField):
        answer = text.strip().casefold()
        if answer not in {"oui", "non"}:
            raise ValidationError(_("Answer « oui » or « non »."))
        return answer == "oui"
    return field.formfield().clean(text)


def _rectify(request: HttpRequest, plan: Plan, identity: rights.Identity) -> None:
    kind, _sep, pk = request.POST.get("record", "").partition(":")
    if kind not in PSEUDONYMISED_KINDS or not pk.isdigit():
        raise Http404
    record = get_object_or_404(RECORD_KINDS[kind], pk=pk, plan=plan)
    fields = rights.rectifiable_fields(kind)
    name = request.POST.get("field", "")
    if name not in fields:
        messages.error(request, _("Choose the field to correct."))
        return
    try:
        value = _form_field_value(fields[name], request.POST.get("value", ""))
        version = int(request.POST.get("version", ""))
        rights.rectify_record(request.user, plan, identity, record, {name: value}, expected_version=version)
    except ValidationError as error:
        messages.error(
            request,
            _("Correction refused, field « %(field)s »: %(reasons)s")
            % {"field": fields[name].verbose_name, "reasons": " ".join(error.messages)},
        )
    except (StaleRecord, ValueError) as error:
        messages.error(request, str(error) if isinstance(error, StaleRecord) else _("Reload the page and try again."))
    else:
        messages.success(request, _("Record %(identifier)s corrected.") % {"identifier": record.external_id})
