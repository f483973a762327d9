"""The upload page of the national reporting platform's CSV, for the plan's coordinators (`intake`)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from copil.access import policy
from copil.plans.models import Plan
from copil.web.views import member_page

from .intake import COLUMNS, MAX_BYTES, IntakeError, import_national_channel


class IntakeForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("CSV file of the national reporting platform"),
        help_text=gettext_lazy("Columns: date, commune, adresse, description (one report a line)."),
    )


@require_http_methods(["GET", "POST"])
@member_page
def intake_page(request: HttpRequest, plan: Plan) -> HttpResponse:
    """Upload a national-channel file: all its rows go into the queue, or none with the reasons."""
    if not policy.is_plan_coordinator(request.user, plan):
        raise PermissionDenied(_("Only the plan's coordinators import the national platform's reports."))
    form = IntakeForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            errors = [_("The file is larger than 5 MB.")]
        else:
            try:
                report = import_national_channel(plan, upload.read(), actor=request.user)
            except IntakeError as error:
                errors = error.errors
            else:
                messages.success(
                    request,
                    _("{rows} reports read: {created} added, {unchanged} already imported.").format(
                        rows=report.rows, created=report.created, unchanged=report.unchanged
                    ),
                )
                return redirect("signalements_intake:import", slug=plan.slug)
    context = {"plan": plan, "form": form, "errors": errors, "columns": COLUMNS}
    return render(request, "signalements/intake.html", context, status=400 if errors or form.errors else 200)
