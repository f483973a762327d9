"""Pages of the committee's web app. Views stay thin: they read the request, call the plain functions of
`dashboard`, `maps`, `meetings`, `comparison` and `copil.reports`, and render. Every plan object and record
they show comes through `copil.access.policy` (`visible_plans`, `visible_records`, `visible_plan_objects`,
`aggregate_rule`, `can`)."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from copil.access import policy
from copil.access.audit import record_event
from copil.access.models import AuditEvent
from copil.alerts import actions as alert_actions
from copil.indicators.evaluation import OUTCOME_INDICATORS, caution, evaluable_indicators, evaluate
from copil.official_statistics.charts import evaluation_chart, statistics_sections
from copil.plans import actions as plan_actions
from copil.plans.models import Decision, Meeting, Plan
from copil.reports.actions import last_approved, previous_published
from copil.reports.bilan import suppressed_for
from copil.reports.models import BilanVersion
from copil.reports.rendering import CONTENT_TYPES, bilan_bytes, bilan_file_name
from copil.reports.versions import figure_changes, moved_since, render_frozen_figures

from . import comparison as comparison_module
from . import maps
from . import meetings as meeting_services
from .bilans import bilan_parts, cached_bilan
from .caching import data_version
from .context_processors import SESSION_PLAN_KEY
from .dashboard import dashboard_html, user_signature
from .five_minutes import five_minutes, five_minutes_file_name, five_minutes_pdf, since_last_bilan
from .forms import ActionStatusForm, AttendeesForm, DecisionForm, DecisionTextForm, MeetingForm
from .periods import (
    CUSTOM,
    DEFAULT,
    LAST_BILAN,
    PRESETS,
    PeriodChoice,
    choose_period,
    default_preset,
    period_options,
    picker_context,
)

DEFAULT_PERIOD = "depuis le début du plan"


def home(request: HttpRequest) -> HttpResponse:
    """The list of plans: the user's plans with their pages, every plan with its published bilan."""
    plans = Plan.objects.select_related("territory").order_by("name")
    member_of = set(policy.visible_plans(request.user).values_list("pk", flat=True))
    return render(
        request,
        "web/home.html",
        {"plans": plans, "member_of": member_of, "default_period": DEFAULT_PERIOD},
    )


# --- helpers ------------------------------------------------------------------------------------------------------


def _remember(request: HttpRequest, plan: Plan) -> None:
    """The main menu links to the last plan opened."""
    if request.session.get(SESSION_PLAN_KEY) != plan.slug:
        request.session[SESSION_PLAN_KEY] = plan.slug


def member_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Pages of a plan for its members: log in first; a plan the user is no member of does not exist (404)."""

    @wraps(view)
    def wrapper(request: HttpRequest, slug: str, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        plan = get_object_or_404(policy.visible_plans(request.user).select_related("territory"), slug=slug)
        if request.method == "GET":
            _remember(request, plan)
        return view(request, plan, *args, **kwargs)

    return wrapper


def _period_or_error(request: HttpRequest, plan: Plan, *, default: str = DEFAULT) -> PeriodChoice | HttpResponse:
    try:
        return choose_period(request.GET, plan, default=default)
    except ValueError as error:
        return render(
            request,
            "web/period_error.html",
            {"plan": plan, "error": error, "text": request.GET.get("periode", "")},
            status=400,
        )


def _plan_context(
    request: HttpRequest,
    plan: Plan,
    choice: PeriodChoice | None,
    current: str,
    *,
    presets: tuple[str, ...] | None = None,
) -> dict[str, Any]:
    return {
        "plan": plan,
        "choice": choice,
        "picker": picker_context(choice, request.GET, presets=presets),
        "page": current,
        "is_coordinator": policy.is_plan_coordinator(request.user, plan),
        "breadcrumb_data": {
            "links": [{"url": reverse("web:dashboard", args=[plan.slug]), "title": plan.name}]
            if current != "dashboard"
            else [],
            "current": plan.name if current == "dashboard" else _page_titles()[current],
        },
    }


def _page_titles() -> dict[str, str]:
    return {
        "dashboard": _("Dashboard"),
        "five_minutes": _("The COPIL in 5 minutes"),
        "map": _("Map"),
        "meetings": _("Meetings"),
        "meeting": _("Meeting"),
        "actions": _("Action tracker"),
        "bilan": _("Bilan"),
        "statistics": _("Official statistics"),
        "evaluation": _("Evaluation"),
    }


# --- dashboard --------------------------------------------------------------------------------------------------


@require_GET
@member_page
def dashboard(request: HttpRequest, plan: Plan) -> HttpResponse:
    """Key figures per axis with their evolution, the main charts, links to the records behind each figure; the
    period is the last approved bilan's, or the plan's last complete quarter, unless the reader picks one."""
    default = default_preset(plan)
    choice = _period_or_error(request, plan, default=default)
    if isinstance(choice, HttpResponse):
        return choice
    presets = PRESETS if default == LAST_BILAN else tuple(key for key in PRESETS if key != LAST_BILAN)
    context = _plan_context(request, plan, choice, "dashboard", presets=presets)
    context["period_options"] = period_options(plan, choice, presets)
    version = data_version(plan)
    signature = user_signature(request.user, plan)  # what the reader may see: read once for both caches
    context["summary"] = five_minutes(request.user, plan, choice.period, version=version, signature=signature)
    html = dashboard_html(request.user, plan, choice.period, version=version, signature=signature)
    context["body"] = mark_safe(html)  # noqa: S308 - our template
    return render(request, "web/dashboard.html", context)


def _five_minutes_period(request: HttpRequest, plan: Plan) -> PeriodChoice | HttpResponse:
    """The period the reader picked, else the time since the last approved bilan, else the dashboard's default."""
    if not request.GET.get("periode") and (since := since_last_bilan(plan, timezone.localdate())) is not None:
        return PeriodChoice(since, CUSTOM)
    return _period_or_error(request, plan, default=default_preset(plan))


@require_GET
@member_page
def five_minutes_page(request: HttpRequest, plan: Plan) -> HttpResponse:
    """« Le COPIL en 5 minutes »: the figures that moved, the open alerts, the overdue actions, the next meeting."""
    choice = _five_minutes_period(request, plan)
    if isinstance(choice, HttpResponse):
        return choice
    presets = PRESETS if last_approved(plan) is not None else tuple(key for key in PRESETS if key != LAST_BILAN)
    context = _plan_context(request, plan, choice, "five_minutes", presets=presets)
    context["period_options"] = period_options(plan, choice, presets)
    context["summary"] = five_minutes(request.user, plan, choice.period)
    return render(request, "web/five_minutes.html", context)


@require_GET
@member_page
def five_minutes_download(request: HttpRequest, plan: Plan) -> HttpResponse:
    """The same summary as a one-page PDF."""
    choice = _five_minutes_period(request, plan)
    if isinstance(choice, HttpResponse):
        return choice
    summary = five_minutes(request.user, plan, choice.period)
    record_event(
        request.user,
        AuditEvent.Action.EXPORT,
        plan=plan,
        details={"document": "five_minutes", "period": str(choice.period), "format": "pdf"},
    )
    return HttpResponse(
        five_minutes_pdf(summary),
        content_type="application/pdf",
        headers={"Content-Disposition": content_disposition_header(True, five_minutes_file_name(plan, choice.period))},
    )


# --- map ----------------------------------------------------------------------------------------------------------


@require_GET
@member_page
def map_page(request: HttpRequest, plan: Plan) -> HttpResponse:
    """The map (Leaflet) and, under it, the same layers as tables: the page reads without tiles or JavaScript."""
    choice = _period_or_error(request, plan)
    if isinstance(choice, HttpResponse):
        return choice
    today = timezone.localdate()
    layers_url = reverse("web:map_layers", args=[plan.slug])
    alerts = maps.open_alerts(plan)
    names = maps.layer_names()
    context = _plan_context(request, plan, choice, "map")
    context.update(
        {
            "layers": [
                {"key": key, "label": label, "url": f"{layers_url}?couche={key}&{choice.querystring}"}
                for key, label in names.items()
            ],
            "layers_json": json.dumps(
                {key: f"{layers_url}?couche={key}&{choice.querystring}" for key in names}, ensure_ascii=False
            ),
            "tile_url": settings.COPIL_TILE_URL,
            "tile_attribution": settings.COPIL_TILE_ATTRIBUTION,
            "deal_points": [f["properties"] | _coords(f) for f in maps.deal_points(request.user, plan, today)],
            "cameras": [f["properties"] | _coords(f) for f in maps.cameras(request.user, plan, today)],
            "observation_summary": _observation_summary(maps.observation_rows(request.user, plan, choice.period)),
            "signalement_summary": maps.signalement_summary(request.user, plan, choice.period),
            "alerts": alerts,
            "acknowledgeable": {
                item.alert.pk for item in alerts if alert_actions.allowed_steps(request.user, item.alert)["acknowledge"]
            },
        }
    )
    return render(request, "web/map.html", context)


def _coords(feature: dict[str, Any]) -> dict[str, Any]:
    longitude, latitude = feature["geometry"]["coordinates"]
    return {"latitude": latitude, "longitude": longitude}


def _observation_summary(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Observations per month: the table under the map standing for the heat layer."""
    months: dict[str, dict[str, Any]] = {}
    for row in rows:
        day = row["day"]
        key = f"{day:%Y-%m}"
        month = months.setdefault(key, {"month": day.replace(day=1), "observations": 0, "people": 0, "places": set()})
        month["observations"] += row["observations"]
        month["people"] += row["people"] or 0
        month["places"].add((row["lat"], row["lon"]))
    return [{**m, "places": len(m["places"])} for m in months.values()]


@require_GET
@member_page
def map_layers(request: HttpRequest, plan: Plan) -> HttpResponse:
    """One map layer as GeoJSON: `?couche=points-de-deal|cameras|observations|alertes|points-chauds`."""
    choice = _period_or_error(request, plan)
    if isinstance(choice, HttpResponse):
        return JsonResponse({"error": _("Unreadable period.")}, status=400)
    try:
        collection = maps.layer(request.user, plan, request.GET.get("couche", ""), choice.period)
    except KeyError:
        return JsonResponse({"error": _("Unknown layer.")}, status=400)
    response = JsonResponse(collection, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/geo+json"
    response["Cache-Control"] = "private, max-age=60"
    return response


# --- bilan ------------------------------------------------------------------------------------------------------


def _audit(request: HttpRequest, action: str, plan: Plan, choice: PeriodChoice, published: bool, **details) -> None:
    """Bilans and exports made by members go to the audit trail."""
    if request.user.is_authenticated:
        period = choice.period
        record_event(
            request.user,
            action,
            plan=plan,
            details={"period": f"{period.start}/{period.end}", "published": published, **details},
        )


def _bilan_period(request: HttpRequest, plan: Plan) -> PeriodChoice | HttpResponse:
    return _period_or_error(request, plan)


def _version_links(plan: Plan) -> list[tuple[BilanVersion, str]]:
    """The plan's published bilan versions, latest first, each with its permanent public address."""
    versions = BilanVersion.objects.published().filter(plan=plan).order_by("-number")
    return [(version, reverse("web:bilan_version", args=[plan.slug, version.number])) for version in versions]


@require_GET
def bilan_versions(request: HttpRequest, slug: str) -> HttpResponse:
    """The published versions of a plan's bilan, open to everyone: nothing else of the plan is shown."""
    plan = get_object_or_404(Plan, slug=slug)
    context = {"plan": plan, "versions": _version_links(plan), "breadcrumb_data": {"links": [], "current": plan.name}}
    return render(request, "web/published_versions.html", context)


def _published_version_or_404(slug: str, number: int) -> BilanVersion:
    return get_object_or_404(
        BilanVersion.objects.published().select_related("plan", "approved_by_meeting"), plan__slug=slug, number=number
    )


@require_GET
def bilan_version(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    """One published version at its permanent address, as frozen when prepared, with what changed since the
    previous published version of the same period."""
    version = _published_version_or_404(slug, number)
    previous = previous_published(version)
    context = {
        "plan": version.plan,
        "version": version,
        "body": mark_safe(version.html),  # noqa: S308 - rendered from our template when the version was frozen
        "figures": mark_safe(render_frozen_figures(version.figures)),  # noqa: S308 - our template
        "previous": previous,
        "changes": figure_changes(previous.figures, version.figures, previous.number) if previous else [],
        "pdf_url": reverse("web:bilan_version_pdf", args=[slug, number]),
        "breadcrumb_data": {
            "links": [{"url": reverse("web:bilan_versions", args=[slug]), "title": version.plan.name}],
            "current": _("Bilan no. {number}").format(number=number),
        },
    }
    return render(request, "web/bilan_version.html", context)


@require_GET
def bilan_version_pdf(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    """The PDF stored with a published version."""
    version = _published_version_or_404(slug, number)
    name = f"bilan-{slug}-v{number}.pdf"
    return HttpResponse(
        bytes(version.pdf),
        content_type="application/pdf",
        headers={"Content-Disposition": content_disposition_header(True, name)},
    )


@require_GET
def bilan(request: HttpRequest, slug: str) -> HttpResponse:
    """The live bilan of a plan for the chosen period, with its PDF and CSV downloads, for members only.

    Members who may not see every figure exactly get the published variant; the public reads only the frozen
    published versions (`bilan_versions`).
    """
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    plan = get_object_or_404(Plan.objects.select_related("territory"), slug=slug)
    choice = _bilan_period(request, plan)
    if isinstance(choice, HttpResponse):
        return choice
    suppressed = suppressed_for(request.user, plan)
    published = bool(suppressed)
    downloads = {
        output_format: f"{reverse(f'web:bilan_{output_format}', args=[plan.slug])}?{urlencode(choice.query)}"
        for output_format in ("pdf", "csv")
    }
    _audit(request, AuditEvent.Action.BILAN, plan, choice, published)
    member = policy.visible_plans(request.user).filter(pk=plan.pk).exists()
    if member:
        _remember(request, plan)
    context = _plan_context(request, plan, choice, "bilan")
    context.update(
        {
            "parts": bilan_parts(plan, choice, suppressed=suppressed),
            "downloads": downloads,
            "published": published,
            "member": member,
            **(_approved_context(plan) if member else {}),
            "form_action": reverse("web:bilan", args=[plan.slug]),
        }
    )
    if not member:
        context["breadcrumb_data"] = {"links": [], "current": plan.name}
    return render(request, "web/bilan.html", context)


def _approved_context(plan: Plan) -> dict[str, Any]:
    """The last approved version of the plan's bilan and the figures of its period that moved since."""
    approved = last_approved(plan)
    if approved is None:
        return {}
    live = cached_bilan(
        plan,
        PeriodChoice(approved.period, CUSTOM),
        suppressed=frozenset(approved.figures.get("suppressed", ())),
        charts=False,
    )
    return {
        "approved": approved,
        "approved_url": reverse("web:bilan_version", args=[plan.slug, approved.number])
        if approved.state == BilanVersion.State.PUBLISHED
        else "",
        "moved": moved_since(approved.figures, live, approved.number),
    }


def published_bilan(request: HttpRequest, slug: str) -> HttpResponse:
    """The former address of the published bilan, which computed live figures: it now leads, permanently, to
    the list of the frozen versions the committee published."""
    return HttpResponsePermanentRedirect(reverse("web:bilan_versions", args=[slug]))


@require_GET
def bilan_download(request: HttpRequest, slug: str, output_format: str) -> HttpResponse:
    """The live bilan as a file to save, for members: `pdf` (for the committee) or `csv` (every figure), in the
    variant the policy grants them. `?publie=1` (the former public download) leads to the published versions."""
    if request.GET.get("publie") == "1":
        return HttpResponsePermanentRedirect(reverse("web:bilan_versions", args=[slug]))
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    plan = get_object_or_404(Plan.objects.select_related("territory"), slug=slug)
    choice = _bilan_period(request, plan)
    if isinstance(choice, HttpResponse):
        return choice
    suppressed = suppressed_for(request.user, plan)
    _audit(request, AuditEvent.Action.EXPORT, plan, choice, bool(suppressed), format=output_format)
    report = cached_bilan(plan, choice, suppressed=suppressed, charts=output_format == "pdf")
    return HttpResponse(
        bilan_bytes(report, output_format),
        content_type=CONTENT_TYPES[output_format],
        headers={"Content-Disposition": content_disposition_header(True, bilan_file_name(report, output_format))},
    )


# --- meetings ---------------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@member_page
def meetings(request: HttpRequest, plan: Plan) -> HttpResponse:
    """The plan's meetings, upcoming first; coordinators schedule one here."""
    may_schedule = policy.can(request.user, "create", "meeting", plan=plan)
    form = MeetingForm(request.POST or None) if may_schedule else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied(policy.denial_message("create", "meeting"))
        if form.is_valid():
            try:
                meeting = plan_actions.schedule_meeting(plan, **form.cleaned_data, actor=request.user)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The meeting is scheduled; its agenda is ready."))
                return redirect("web:meeting", slug=plan.slug, pk=meeting.pk)
    today = timezone.localdate()
    listed = list(meeting_services.meetings_of(request.user, plan))
    context = _plan_context(request, plan, None, "meetings")
    context.update(
        {
            "upcoming": sorted((m for m in listed if m.held_on >= today), key=lambda m: (m.held_on, m.pk)),
            "past": [m for m in listed if m.held_on < today],
            "form": form,
        }
    )
    return render(request, "web/meetings/list.html", context, status=400 if form is not None and form.errors else 200)


def _meeting_or_404(request: HttpRequest, plan: Plan, pk: int) -> Meeting:
    try:
        return meeting_services.meeting_of(request.user, plan, pk)
    except Meeting.DoesNotExist:
        raise Http404(_("No such meeting.")) from None


@require_GET
@member_page
def meeting(request: HttpRequest, plan: Plan, pk: int) -> HttpResponse:
    """One meeting: its agenda, attendees, decisions and action items."""
    item = _meeting_or_404(request, plan, pk)
    return _render_meeting(request, plan, item)


def _render_meeting(
    request: HttpRequest,
    plan: Plan,
    item: Meeting,
    *,
    attendees_form: AttendeesForm | None = None,
    decision_form: DecisionForm | None = None,
    status: int = 200,
) -> HttpResponse:
    may_update = policy.can(request.user, "update", "meeting", obj=item)
    may_decide = policy.can(request.user, "create", "decision", plan=plan)
    if may_update and attendees_form is None:
        attendees_form = AttendeesForm(plan=plan, initial={"attendees": list(item.attendees.all())})
    if may_decide and decision_form is None:
        decision_form = DecisionForm(plan=plan)
    context = _plan_context(request, plan, None, "meeting")
    context["breadcrumb_data"]["links"].append(
        {"url": reverse("web:meetings", args=[plan.slug]), "title": _page_titles()["meetings"]}
    )
    context["breadcrumb_data"]["current"] = str(item)
    context.update(
        {
            "meeting": item,
            "agenda": meeting_services.prepare_agenda(request.user, item),
            "attendees": sorted(item.attendees.all(), key=lambda p: p.name),
            "decisions": list(meeting_services.decisions_of(request.user, item)),
            "attendees_form": attendees_form if may_update else None,
            "decision_form": decision_form if may_decide else None,
            "may_convoke": may_update,
            "may_update_decisions": policy.can(request.user, "update", "decision", plan=plan),
            "may_delete_decisions": policy.can(request.user, "delete", "decision", plan=plan),
            "today": timezone.localdate(),
        }
    )
    return render(request, "web/meetings/detail.html", context, status=status)


@require_POST
@member_page
def meeting_attendees(request: HttpRequest, plan: Plan, pk: int) -> HttpResponse:
    item = _meeting_or_404(request, plan, pk)
    policy.require(request.user, "update", "meeting", obj=item)
    form = AttendeesForm(request.POST, plan=plan)
    if not form.is_valid():
        return _render_meeting(request, plan, item, attendees_form=form, status=400)
    plan_actions.set_attendees(item, form.cleaned_data["attendees"], actor=request.user)
    messages.success(request, _("Attendees recorded."))
    return redirect("web:meeting", slug=plan.slug, pk=item.pk)


@require_POST
@member_page
def meeting_decision(request: HttpRequest, plan: Plan, pk: int) -> HttpResponse:
    item = _meeting_or_404(request, plan, pk)
    policy.require(request.user, "create", "decision", plan=plan)
    form = DecisionForm(request.POST, plan=plan)
    if form.is_valid():
        try:
            plan_actions.add_decision(item, **form.cleaned_data, actor=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Decision recorded."))
            return redirect(reverse("web:meeting", kwargs={"slug": plan.slug, "pk": item.pk}) + "#decisions")
    return _render_meeting(request, plan, item, decision_form=form, status=400)


def _decision_or_404(request: HttpRequest, item: Meeting, decision_pk: int) -> Decision:
    decision = next((d for d in meeting_services.decisions_of(request.user, item) if d.pk == decision_pk), None)
    if decision is None:
        raise Http404(_("No such decision."))
    return decision


@member_page
def decision_update(request: HttpRequest, plan: Plan, pk: int, decision_pk: int) -> HttpResponse:
    """Correct the wording of a decision (the coordinator)."""
    item = _meeting_or_404(request, plan, pk)
    decision = _decision_or_404(request, item, decision_pk)
    policy.require(request.user, "update", "decision", obj=decision)
    form = DecisionTextForm(request.POST or None, initial={"text": decision.text})
    if request.method == "POST" and form.is_valid():
        try:
            plan_actions.update_decision(decision, text=form.cleaned_data["text"], actor=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Decision corrected."))
            return redirect(reverse("web:meeting", kwargs={"slug": plan.slug, "pk": item.pk}) + "#decisions")
    context = _plan_context(request, plan, None, "meeting")
    context.update({"meeting": item, "decision": decision, "form": form})
    return render(request, "web/meetings/decision_form.html", context, status=400 if form.is_bound else 200)


@member_page
def decision_delete(request: HttpRequest, plan: Plan, pk: int, decision_pk: int) -> HttpResponse:
    """Delete a decision after confirmation (the coordinator); its action item stays in the tracker."""
    item = _meeting_or_404(request, plan, pk)
    decision = _decision_or_404(request, item, decision_pk)
    policy.require(request.user, "delete", "decision", obj=decision)
    if request.method == "POST":
        plan_actions.delete_decision(decision, actor=request.user)
        messages.success(request, _("Decision deleted."))
        return redirect(reverse("web:meeting", kwargs={"slug": plan.slug, "pk": item.pk}) + "#decisions")
    context = _plan_context(request, plan, None, "meeting")
    context.update({"meeting": item, "decision": decision})
    return render(request, "web/meetings/decision_delete.html", context)


@require_GET
@member_page
def meeting_minutes(request: HttpRequest, plan: Plan, pk: int) -> HttpResponse:
    """The minutes (relevé de décisions) as PDF."""
    item = _meeting_or_404(request, plan, pk)
    record_event(
        request.user,
        AuditEvent.Action.EXPORT,
        plan=plan,
        details={"document": "minutes", "meeting": item.pk, "format": "pdf"},
    )
    return HttpResponse(
        meeting_services.minutes_pdf(request.user, item),
        content_type="application/pdf",
        headers={"Content-Disposition": content_disposition_header(True, meeting_services.minutes_file_name(item))},
    )


@require_GET
@member_page
def actions(request: HttpRequest, plan: Plan) -> HttpResponse:
    """The action tracker: overdue items first, then open ones by due date, then the closed ones."""
    today = timezone.localdate()
    items = list(meeting_services.actions_of(request.user, plan, today=today))
    rows = [
        {
            "action": action,
            "form": ActionStatusForm(initial={"status": action.status}, prefix=f"a{action.pk}")
            if policy.can(request.user, "update", "action", obj=action)
            else None,
        }
        for action in items
    ]
    context = _plan_context(request, plan, None, "actions")
    context.update({"rows": rows, "today": today, "overdue_count": sum(getattr(a, "overdue", 0) for a in items)})
    return render(request, "web/meetings/actions.html", context)


@require_POST
@member_page
def action_status(request: HttpRequest, plan: Plan, pk: int) -> HttpResponse:
    action = get_object_or_404(policy.visible_plan_objects(request.user, "action", plan), pk=pk)
    policy.require(request.user, "update", "action", obj=action)
    form = ActionStatusForm(request.POST, prefix=f"a{action.pk}")
    if form.is_valid():
        plan_actions.set_action_status(action, form.cleaned_data["status"], actor=request.user)
        messages.success(request, _("Status of “{title}” updated.").format(title=action.title))
    else:
        messages.error(request, _("Unknown status."))
    return redirect(reverse("web:actions", args=[plan.slug]) + f"#action-{action.pk}")


# --- comparison ---------------------------------------------------------------------------------------------------


@require_GET
def comparison(request: HttpRequest) -> HttpResponse:
    """Plans side by side on the same indicators per 10,000 inhabitants (only plans the user may see)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    context = comparison_module.comparison(request.user, request.GET)
    context["breadcrumb_data"] = {"links": [], "current": _("Comparison")}
    return render(request, "web/comparison.html", context, status=400 if context.get("period_error") else 200)


# --- official statistics and evaluation ---------------------------------------------------------------------------


@require_GET
@member_page
def statistics(request: HttpRequest, plan: Plan) -> HttpResponse:
    """The SSMSI's rates per 1,000 inhabitants of the plan's territory, its département and France since 2016.

    Official statistics are public, but the page stays behind the plan's normal read access like its other pages.
    """
    sections = statistics_sections(plan)
    context = _plan_context(request, plan, None, "statistics")
    context["sections"] = sections
    return render(request, "web/statistics.html", context)


@require_GET
@member_page
def evaluation(request: HttpRequest, plan: Plan) -> HttpResponse:
    """The change of chosen outcome indicators at the plan's start (interrupted time series), with its caution.

    `?indicateurs=code,code` chooses among the catalogue's counts; indicators the user may not see exactly are left
    out, like everywhere else.
    """
    available = {d.code: d for d in evaluable_indicators() if policy.aggregate_rule(request.user, d, plan=plan).exact}
    asked = [code for code in request.GET.get("indicateurs", "").split(",") if code]
    chosen = [available[code] for code in asked or OUTCOME_INDICATORS if code in available]
    evaluations = [evaluate(plan, definition) for definition in chosen]
    context = _plan_context(request, plan, None, "evaluation")
    context.update(
        {
            "available": available.values(),
            "chosen_codes": {d.code for d in chosen},
            "rows": [{"evaluation": e, "reading": e.reading, "chart": evaluation_chart(e)} for e in evaluations],
            "caution": caution(),
        }
    )
    return render(request, "web/evaluation.html", context)
