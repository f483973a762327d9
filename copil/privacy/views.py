"""The data protection officer's page: a person's records in the plan from their identity, and the answers to
their rights (export, restriction, erasure). The identity travels only in POST bodies, never in an address,
and is hidden from error reports."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.debug import sensitive_post_parameters

from copil.access import policy
from copil.access.pseudonyms import IDENTITY_FIELDS, normalize_birth_date
from copil.plans.models import Plan

from . import rights

STEPS = ("search", "export", "restrict", "lift", "erase")


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
    policy.require_rights(request.user, plan)
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
            (record._meta.verbose_name, record, (kind, record.pk) in restricted)
            for kind, records in found.by_kind.items()
            for record in records
        ]
    return render(request, "privacy/person.html", {"plan": plan, "form": form, "found": found, "rows": rows})
