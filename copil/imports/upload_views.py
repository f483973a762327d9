"""Pages of the web imports: upload a partner's file, see its first rows and every error, confirm the import.

Large files are checked and imported in the background (`copil.imports.jobs`); their page refreshes itself
(meta refresh, no script) while the work runs, showing the rows read so far.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from copil.access.actors import Actor
from copil.formats import FORMATS
from copil.imports import jobs
from copil.imports.models import ImportJob
from copil.imports.results import errors_csv
from copil.plans.models import Partner

REFRESH_SECONDS = 2


class PartnerField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Partner) -> str:
        return f"{obj.plan.name} — {obj.name}"


class UploadForm(forms.Form):
    partner = PartnerField(label=gettext_lazy("Partner"), queryset=Partner.objects.none(), empty_label=None)
    kind = forms.ChoiceField(
        label=gettext_lazy("Record kind"),
        required=False,
        help_text=gettext_lazy("Optional: by default, taken from the file name or its columns."),
    )
    file = forms.FileField(
        label=gettext_lazy("File"), help_text=gettext_lazy("CSV, XLSX or ODS, in the published format of its kind.")
    )
    replace_from = forms.DateField(
        label=gettext_lazy("Replace the period from"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy(
            "Optional: the partner's records of this kind dated within the period and absent from the file are deleted."
        ),
    )
    replace_to = forms.DateField(
        label=gettext_lazy("to"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, user: Actor, **kwargs: Any):
        super().__init__(*args, **kwargs)
        partners = jobs.importable_partners(user)
        self.fields["partner"].queryset = (
            Partner.objects.filter(pk__in=[p.pk for p in partners])
            .select_related("plan")
            .order_by("plan__name", "name")
        )
        self.fields["kind"].choices = [("", _("Automatic"))] + sorted(
            ((kind, str(FORMATS[kind].title)) for kind in jobs.importable_kinds(user) if kind in FORMATS),
            key=lambda choice: choice[1],
        )
        for field in self.fields.values():
            css = "fr-select" if isinstance(field.widget, forms.Select) else "fr-input"
            if isinstance(field.widget, forms.ClearableFileInput):
                css = "fr-upload"
            field.widget.attrs.setdefault("class", css)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        start, end = cleaned.get("replace_from"), cleaned.get("replace_to")
        if bool(start) != bool(end):
            self.add_error("replace_to" if start else "replace_from", _("Give both dates of the period, or none."))
        elif start and end and end < start:
            self.add_error("replace_to", _("The end date precedes the start date."))
        return cleaned


def _job_or_404(user: Actor, pk: int) -> ImportJob:
    job = jobs.jobs_of(user).filter(pk=pk).first()
    if job is None:
        raise Http404(pk)
    return job


@login_required
def upload(request: HttpRequest) -> HttpResponse:
    """Upload a file for one partner; it is checked at once (or in the background) and its page shown."""
    form = UploadForm(request.POST or None, request.FILES or None, user=request.user)
    if not form.fields["partner"].queryset.exists():
        raise PermissionDenied(_("You may not import records for any partner."))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        period = (data["replace_from"], data["replace_to"]) if data.get("replace_from") else None
        try:
            if data.get("kind"):
                jobs.require_import(request.user, data["kind"], data["partner"], bool(period))
        except PermissionDenied as denied:
            form.add_error("kind", str(denied))
        else:
            job = jobs.start(
                request.user,
                partner=data["partner"],
                upload=data["file"],
                kind=data.get("kind") or "",
                replace_period=period,
            )
            return HttpResponseRedirect(reverse("imports:job", args=[job.pk]))
    recent = jobs.jobs_of(request.user)[:20]
    status = 400 if form.is_bound else 200
    return render(request, "imports/upload.html", {"form": form, "jobs": recent}, status=status)


@login_required
def job_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Where an uploaded file stands: its first rows and errors, the counts it would give, the result."""
    job = jobs.mark_if_interrupted(_job_or_404(request.user, pk))
    done, total = jobs.progress(job) if job.running else (job.rows_done, job.rows_total)
    percent = min(100, round(100 * done / total)) if total else None
    fmt = FORMATS.get(job.kind)
    return render(
        request,
        "imports/job.html",
        {
            "job": job,
            "format": fmt,
            "kind_label": fmt.title if fmt else "",
            "done": done,
            "total": total,
            "percent": percent,
            "refresh": REFRESH_SECONDS if job.running else None,
            "errors": job.errors[: jobs.ERRORS_SHOWN],
            "more_errors": max(0, job.error_count - jobs.ERRORS_SHOWN),
            "owner": job.created_by_id == request.user.pk,
            "may_confirm_again": job.status == ImportJob.Status.FAILED and jobs.can_confirm(job),
        },
    )


@login_required
@require_POST
def confirm(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job_or_404(request.user, pk)
    if job.created_by_id != request.user.pk:
        raise PermissionDenied(_("Only the person who uploaded the file may import it."))
    job = jobs.confirm(request.user, job)
    if job.status == ImportJob.Status.DONE:
        messages.success(request, job.report.get("summary") or _("File imported."))
    return HttpResponseRedirect(reverse("imports:job", args=[job.pk]))


@login_required
@require_POST
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job_or_404(request.user, pk)
    if job.created_by_id != request.user.pk:
        raise PermissionDenied(_("Only the person who uploaded the file may cancel its import."))
    if not jobs.cancel(job):
        messages.error(request, _("This import is running and cannot be cancelled; wait for its end."))
        return HttpResponseRedirect(reverse("imports:job", args=[job.pk]))
    messages.info(request, _("Import cancelled: the file was deleted."))
    return HttpResponseRedirect(reverse("imports:upload"))


@login_required
def errors_download(request: HttpRequest, pk: int) -> HttpResponse:
    """Every error of the file as CSV (file, line, column, value, reason)."""
    job = _job_or_404(request.user, pk)
    name = f"erreurs-{job.file_name.rsplit('.', 1)[0]}.csv"
    return HttpResponse(
        errors_csv(jobs.rejection_of(job)),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": content_disposition_header(True, name)},
    )
