"""The bilan versions page of a plan's coordinators (`/plans/<slug>/bilan/versions/`): prepare a version (its
figures, HTML and PDF frozen at once), submit it to the COPIL, record the approving meeting, publish it, or
withdraw it with a reason. Thin views over `copil.reports.actions`, which check the policy and audit each move."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from copil.access import policy
from copil.indicators.periods import Period, parse_period
from copil.plans.models import Plan
from copil.reports import actions as report_actions
from copil.reports.models import BilanVersion

from .bilan_forms import ApproveBilanForm, PrepareBilanForm, WithdrawBilanForm
from .views import _page_titles, _plan_context, member_page

EIGHTEEN_MONTHS = "18 mois"


def _coordinator_only(request: HttpRequest, plan: Plan) -> None:
    if not policy.is_plan_coordinator(request.user, plan):
        raise PermissionDenied(_("Only a coordinator of the plan can move its bilan versions."))


def _version_or_404(plan: Plan, number: int) -> BilanVersion:
    version = BilanVersion.objects.filter(plan=plan, number=number).first()
    if version is None:
        raise Http404(_("No such bilan version."))
    return version


def _render(
    request: HttpRequest,
    plan: Plan,
    *,
    prepare_form: PrepareBilanForm | None = None,
    approve_forms: dict[int, ApproveBilanForm] | None = None,
    error: str = "",
) -> HttpResponse:
    today = timezone.localdate()
    if prepare_form is None:
        period = parse_period(EIGHTEEN_MONTHS, plan_start=plan.started_on, plan_end=plan.ended_on, today=today)
        prepare_form = PrepareBilanForm(initial={"start": period.start, "end": min(period.end, today)})
    approve_forms = approve_forms or {}
    versions = list(
        BilanVersion.objects.filter(plan=plan)
        .select_related("approved_by_meeting", "prepared_by")
        .defer("html", "pdf", "figures")
        .order_by("-number")
    )
    rows = [
        {
            "version": version,
            "approve_form": approve_forms.get(version.number)
            or ApproveBilanForm(plan=plan, prefix=f"v{version.number}", initial={"approved_on": today}),
            "withdraw_form": WithdrawBilanForm(prefix=f"r{version.number}"),
            "public_url": reverse("web:bilan_version", args=[plan.slug, version.number])
            if version.state == BilanVersion.State.PUBLISHED
            else "",
        }
        for version in versions
    ]
    context = _plan_context(request, plan, None, "bilan")
    context["breadcrumb_data"]["links"].append(
        {"url": reverse("web:bilan", args=[plan.slug]), "title": _page_titles()["bilan"]}
    )
    context["breadcrumb_data"]["current"] = _("Bilan versions")
    context.update({"rows": rows, "prepare_form": prepare_form, "error": error, "State": BilanVersion.State})
    status = 400 if error or prepare_form.is_bound or approve_forms else 200
    return render(request, "web/bilan_workflow.html", context, status=status)


@require_GET
@member_page
def bilan_workflow(request: HttpRequest, plan: Plan) -> HttpResponse:
    """Every version of the plan's bilan with the moves its state allows."""
    _coordinator_only(request, plan)
    return _render(request, plan)


def _moved(request: HttpRequest, plan: Plan, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect("web:bilan_workflow", slug=plan.slug)


@require_POST
@member_page
def bilan_prepare(request: HttpRequest, plan: Plan) -> HttpResponse:
    _coordinator_only(request, plan)
    form = PrepareBilanForm(request.POST)
    if not form.is_valid():
        return _render(request, plan, prepare_form=form)
    data = form.cleaned_data
    try:
        version = report_actions.prepare_bilan(
            request.user,
            plan=plan,
            period=Period(data["start"], data["end"]),
            variant=data["variant"],
            change_note=data["change_note"],
        )
    except ValidationError as error:
        return _render(request, plan, prepare_form=form, error=" ".join(error.messages))
    return _moved(
        request, plan, _("Bilan no. {number} is prepared: its figures are frozen.").format(number=version.number)
    )


def _move(request: HttpRequest, plan: Plan, number: int, move: Any, message: str, **arguments: Any) -> HttpResponse:
    _coordinator_only(request, plan)
    version = _version_or_404(plan, number)
    try:
        move(request.user, version=version, **arguments)
    except ValidationError as error:
        return _render(request, plan, error=" ".join(error.messages))
    return _moved(request, plan, message.format(number=number))


@require_POST
@member_page
def bilan_submit(request: HttpRequest, plan: Plan, number: int) -> HttpResponse:
    return _move(request, plan, number, report_actions.submit_bilan, _("Bilan no. {number} is submitted to the COPIL."))


@require_POST
@member_page
def bilan_approve(request: HttpRequest, plan: Plan, number: int) -> HttpResponse:
    _coordinator_only(request, plan)
    form = ApproveBilanForm(request.POST, plan=plan, prefix=f"v{number}")
    if not form.is_valid():
        return _render(request, plan, approve_forms={number: form})
    return _move(
        request,
        plan,
        number,
        report_actions.approve_bilan,
        _("The approval of bilan no. {number} is recorded."),
        meeting=form.cleaned_data["meeting"],
        approved_on=form.cleaned_data["approved_on"],
    )


@require_POST
@member_page
def bilan_publish(request: HttpRequest, plan: Plan, number: int) -> HttpResponse:
    return _move(request, plan, number, report_actions.publish_version, _("Bilan no. {number} is published."))


@require_POST
@member_page
def bilan_withdraw(request: HttpRequest, plan: Plan, number: int) -> HttpResponse:
    _coordinator_only(request, plan)
    form = WithdrawBilanForm(request.POST, prefix=f"r{number}")
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    return _move(
        request, plan, number, report_actions.withdraw_bilan, _("Bilan no. {number} is withdrawn."), reason=reason
    )
