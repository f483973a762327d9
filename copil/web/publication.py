"""Pages of the publication: the plan's letterhead (co-pilots and logos of its documents), a bilan version as
its coordinators see it (whatever its state, with its foreword), and the editable ODT exports of a version."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from copil.access import policy
from copil.access.audit import record_event
from copil.access.models import AuditEvent
from copil.plans import actions as plan_actions
from copil.plans.letterhead import LOGO_FIELDS, letterhead
from copil.plans.models import Meeting, Plan
from copil.reports import actions as report_actions
from copil.reports.models import BilanVersion
from copil.reports.odt import ODT_CONTENT_TYPE, bilan_version_odt, bilan_version_odt_name
from copil.reports.versions import render_frozen_figures

from . import meetings as meeting_services
from .forms import ForewordForm, LetterheadForm
from .views import _page_titles, _plan_context, member_page


def _odt_response(content: bytes, name: str) -> HttpResponse:
    return HttpResponse(
        content, content_type=ODT_CONTENT_TYPE, headers={"Content-Disposition": content_disposition_header(True, name)}
    )


def _with_crumb(request: HttpRequest, plan: Plan, title: str) -> dict[str, Any]:
    context = _plan_context(request, plan, None, "bilan")
    context["breadcrumb_data"]["links"].append(
        {"url": reverse("web:bilan", args=[plan.slug]), "title": _page_titles()["bilan"]}
    )
    context["breadcrumb_data"]["current"] = title
    return context


@require_http_methods(["GET", "POST"])
@member_page
def plan_letterhead(request: HttpRequest, plan: Plan) -> HttpResponse:
    """The co-pilots and the logos printed at the head of the plan's bilans and minutes (its coordinators)."""
    if not policy.can(request.user, "update", "plan", obj=plan):
        raise PermissionDenied(policy.denial_message("update", "plan"))
    initial = {name: getattr(plan, name) for name in ("prefect", "mayor", "prosecutor")}
    form = LetterheadForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        logos: dict[str, bytes | None] = {}
        for field in LOGO_FIELDS:
            upload = form.cleaned_data.get(field)
            if form.cleaned_data.get(f"remove_{field}"):
                logos[field] = None
            elif upload is not None:
                logos[field] = upload.read()
        try:
            plan_actions.set_letterhead(
                plan,
                co_pilots={name: form.cleaned_data[name] for name in ("prefect", "mayor", "prosecutor")},
                logos=logos,
                actor=request.user,
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                for message in errors:
                    form.add_error(field if field in form.fields else None, message)
        else:
            messages.success(request, _("The letterhead of the plan's documents is recorded."))
            return redirect("web:plan_letterhead", slug=plan.slug)
    context = _with_crumb(request, plan, _("Letterhead of the documents"))
    context.update({"form": form, "letterhead": letterhead(plan)})
    return render(request, "web/letterhead.html", context, status=400 if form.errors else 200)


def _coordinated_version(request: HttpRequest, plan: Plan, number: int) -> BilanVersion:
    """A version of the plan in any state, for its coordinators only (others: no such page)."""
    if not policy.is_plan_coordinator(request.user, plan):
        raise Http404(_("No such bilan version."))
    return get_object_or_404(BilanVersion.objects.select_related("approved_by_meeting"), plan=plan, number=number)


@require_http_methods(["GET", "POST"])
@member_page
def version_workspace(request: HttpRequest, plan: Plan, number: int) -> HttpResponse:
    """A bilan version as its coordinators prepare it: state, foreword, the stored PDF and the editable ODT."""
    version = _coordinated_version(request, plan, number)
    editable = version.state not in (BilanVersion.State.PUBLISHED, BilanVersion.State.WITHDRAWN)
    form = ForewordForm(request.POST or None, initial={"foreword": version.foreword})
    if request.method == "POST":
        if form.is_valid():
            try:
                report_actions.set_foreword(request.user, version=version, foreword=form.cleaned_data["foreword"])
            except ValidationError as error:
                form.add_error("foreword", error.message_dict.get("foreword", error.messages))
            else:
                messages.success(request, _("The foreword is recorded."))
                return redirect("web:version_workspace", slug=plan.slug, number=number)
    context = _with_crumb(request, plan, _("Bilan no. {number}").format(number=number))
    context.update(
        {
            "version": version,
            "form": form if editable else None,
            "body": mark_safe(version.html),  # noqa: S308 - rendered from our template when the version was frozen
            "figures": mark_safe(render_frozen_figures(version.figures)),  # noqa: S308 - our template
            "public_url": reverse("web:bilan_version", args=[plan.slug, number])
            if version.state == BilanVersion.State.PUBLISHED and version.variant == BilanVersion.Variant.PUBLIC
            else "",
        }
    )
    return render(request, "web/version_workspace.html", context, status=400 if form.errors else 200)


@require_GET
@member_page
def version_workspace_pdf(request: HttpRequest, plan: Plan, number: int) -> HttpResponse:
    """The PDF stored with a version, for its coordinators."""
    version = _coordinated_version(request, plan, number)
    return HttpResponse(
        bytes(version.pdf),
        content_type="application/pdf",
        headers={"Content-Disposition": content_disposition_header(True, f"bilan-{plan.slug}-v{number}.pdf")},
    )


@require_GET
@member_page
def version_workspace_odt(request: HttpRequest, plan: Plan, number: int) -> HttpResponse:
    """A version as an editable ODT (letterhead, foreword, frozen text and figures), for its coordinators."""
    version = _coordinated_version(request, plan, number)
    record_event(
        request.user,
        AuditEvent.Action.EXPORT,
        plan=plan,
        obj=version,
        details={"document": "bilan", "number": number, "format": "odt"},
    )
    return _odt_response(bilan_version_odt(version), bilan_version_odt_name(version))


@require_GET
def published_version_odt(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    """A published version as ODT, open to everyone like its page: it is written from what the version froze."""
    version = get_object_or_404(BilanVersion.objects.published().select_related("plan"), plan__slug=slug, number=number)
    return _odt_response(bilan_version_odt(version), bilan_version_odt_name(version))


@require_GET
@member_page
def meeting_minutes_odt(request: HttpRequest, plan: Plan, pk: int) -> HttpResponse:
    """The minutes (relevé de décisions) as an editable ODT, with the plan's letterhead."""
    try:
        item = meeting_services.meeting_of(request.user, plan, pk)
    except Meeting.DoesNotExist:
        raise Http404(_("No such meeting.")) from None
    record_event(
        request.user,
        AuditEvent.Action.EXPORT,
        plan=plan,
        details={"document": "minutes", "meeting": item.pk, "format": "odt"},
    )
    return _odt_response(
        meeting_services.minutes_odt(request.user, item), meeting_services.minutes_file_name(item, "odt")
    )


@require_POST
@member_page
def meeting_convocation(request: HttpRequest, plan: Plan, pk: int) -> HttpResponse:
    """« Envoyer la convocation »: queue the convocation for the attendees (coordinators); a second send needs the
    confirmation box ticked."""
    try:
        item = meeting_services.meeting_of(request.user, plan, pk)
    except Meeting.DoesNotExist:
        raise Http404(_("No such meeting.")) from None
    policy.require(request.user, "update", "meeting", obj=item)
    try:
        queued = plan_actions.send_convocation(
            item,
            agenda=meeting_services.convocation_agenda(request.user, item),
            resend=request.POST.get("renvoyer") == "1",
            actor=request.user,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            ngettext(
                "The convocation is queued for {count} person; it will be sent by e-mail shortly.",
                "The convocation is queued for {count} persons; it will be sent by e-mail shortly.",
                queued,
            ).format(count=queued),
        )
    return redirect(reverse("web:meeting", kwargs={"slug": plan.slug, "pk": item.pk}) + "#convocation")
