"""The follow-up pages of an early-warning alert: its page (`/plans/<slug>/alertes/<id>/`) with its history,
and one POST view per step, each calling `copil.alerts.actions` (policy check, history and audit there).
Every member of the plan reads its alerts; the buttons show only to those the policy lets take the step."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from copil.alerts import actions as alert_actions
from copil.alerts.history import history
from copil.alerts.models import Alert
from copil.alerts.services import alert_summary
from copil.notifications.models import PlanSettings
from copil.plans.models import Partner, Plan

from .alert_forms import AlertAssignForm, AlertCloseForm, AlertToActionForm
from .views import _page_titles, _plan_context, member_page


def _alert_or_404(plan: Plan, pk: int) -> Alert:
    alert = Alert.objects.filter(plan=plan, pk=pk).select_related("plan", "assigned_to", "action").first()
    if alert is None:
        raise Http404(_("No such alert."))
    return alert


def _default_owner(alert: Alert) -> Partner | None:
    """Who the action item goes to unless the coordinator picks another: the partner the alert is assigned to,
    else the first partner the plan's settings name for its alerts (one click turns it into an action)."""
    if alert.assigned_to is not None:
        return alert.assigned_to
    named = PlanSettings.objects.filter(plan=alert.plan_id).first()
    return named.alert_partners.order_by("name").first() if named else None


def _render_alert(
    request: HttpRequest, plan: Plan, alert: Alert, *, forms: dict[str, Any] | None = None, error: str = ""
) -> HttpResponse:
    forms = forms or {}
    context = _plan_context(request, plan, None, "map")
    context["breadcrumb_data"]["links"].append(
        {"url": reverse("web:map", args=[plan.slug]), "title": _page_titles()["map"]}
    )
    context["breadcrumb_data"]["current"] = _("Alert of {date}").format(date=alert.detected_on.strftime("%d/%m/%Y"))
    context.update(
        {
            "alert": alert,
            "summary": alert_summary(alert),
            "history": history(list(alert.steps.select_related("by"))),
            "rights": alert_actions.allowed_steps(request.user, alert),
            "assign_form": forms.get("assign") or AlertAssignForm(plan=plan, initial={"partner": alert.assigned_to}),
            "close_form": forms.get("close") or AlertCloseForm(),
            "action_form": forms.get("convert")
            or AlertToActionForm(plan=plan, initial={"owner": _default_owner(alert)}),
            "error": error,
        }
    )
    return render(request, "web/alerts/detail.html", context, status=400 if error or forms else 200)


@require_GET
@member_page
def alert(request: HttpRequest, plan: Plan, pk: int) -> HttpResponse:
    """One alert: what the scan found, where its follow-up stands, its history, and the steps the user may take."""
    return _render_alert(request, plan, _alert_or_404(plan, pk))


def _done(request: HttpRequest, plan: Plan, alert: Alert, message: str) -> HttpResponse:
    messages.success(request, message)
    back = request.POST.get("suivant", "")
    if back and url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        return redirect(back)
    return redirect("web:alert", slug=plan.slug, pk=alert.pk)


def _refused(request: HttpRequest, plan: Plan, alert: Alert, error: ValidationError, **forms: Any) -> HttpResponse:
    text = " ".join(error.messages)
    return _render_alert(request, plan, alert, forms=forms, error=text)


@require_POST
@member_page
def alert_acknowledge(request: HttpRequest, plan: Plan, pk: int) -> HttpResponse:
    item = _alert_or_404(plan, pk)
    try:
        alert_actions.acknowledge_alert(request.user, alert=item)
    except ValidationError as error:
        return _refused(request, plan, item, error)
    return _done(request, plan, item, _("The alert is acknowledged."))


@require_POST
@member_page
def alert_assign(request: HttpRequest, plan: Plan, pk: int) -> HttpResponse:
    item = _alert_or_404(plan, pk)
    form = AlertAssignForm(request.POST, plan=plan)
    if not form.is_valid():
        return _render_alert(request, plan, item, forms={"assign": form})
    try:
        alert_actions.assign_alert(request.user, alert=item, partner=form.cleaned_data["partner"])
    except ValidationError as error:
        return _refused(request, plan, item, error)
    return _done(
        request, plan, item, _("The alert is assigned to {partner}.").format(partner=form.cleaned_data["partner"])
    )


@require_POST
@member_page
def alert_close(request: HttpRequest, plan: Plan, pk: int) -> HttpResponse:
    item = _alert_or_404(plan, pk)
    form = AlertCloseForm(request.POST)
    if not form.is_valid():
        return _render_alert(request, plan, item, forms={"close": form})
    try:
        alert_actions.close_alert(request.user, alert=item, reason=form.cleaned_data["reason"])
    except ValidationError as error:
        return _refused(request, plan, item, error)
    return _done(request, plan, item, _("The alert is closed."))


@require_POST
@member_page
def alert_to_action(request: HttpRequest, plan: Plan, pk: int) -> HttpResponse:
    item = _alert_or_404(plan, pk)
    form = AlertToActionForm(request.POST, plan=plan)
    if not form.is_valid():
        return _render_alert(request, plan, item, forms={"convert": form})
    try:
        converted = alert_actions.alert_to_action(request.user, alert=item, owner=form.cleaned_data["owner"])
    except ValidationError as error:
        return _refused(request, plan, item, error)
    assert converted.action is not None
    return _done(
        request,
        plan,
        item,
        _("The alert is now the action item « {title} » of the next meeting.").format(title=converted.action.title),
    )
