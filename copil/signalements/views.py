"""The signalement pages of a plan (`/plans/<slug>/signalements/…`): the queue of the member's partner, the list
with its filters, one signalement with its history and the lifecycle buttons, the new-signalement form (GPS or map
pick, photos), « Mes signalements » with their outcome, the routing table (coordinators) and the charter.

Views stay thin: lists come from `copil.signalements.queries`, every change goes through
`copil.signalements.actions` (policy check, history and audit there); a refusal of the policy answers 403. When the
plan requires its charter and the member has not accepted it, every page here shows the charter instead
(`charter_gate`), as do the person-level record pages (`copil.records.views`)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from copil.access import policy
from copil.access.actors import Actor
from copil.plans.models import Plan, Territory
from copil.records.forms import located_deal_points
from copil.signalements import actions, page_actions, queries
from copil.signalements.models import Category, Photo, RoutingRule, Signalement
from copil.web.views import member_page

from .forms import (
    CategoryDelaysForm,
    CharterForm,
    FilterForm,
    LinkForm,
    NoteForm,
    OutcomeForm,
    ReopenForm,
    RoutingRuleForm,
    SignalementForm,
)
from .outcomes import outcome_sentence

PAGE_SIZE = 50


# --- the charter gate -----------------------------------------------------------------------------------------


def charter_refusal_reason(user: Actor, plan: Plan) -> str | None:
    """Why the member may not open the plan's signalement and person-level pages (None: they may)."""
    return queries.charter_gate(user, plan)


def charter_page(
    request: HttpRequest, plan: Plan, *, reason: str = "", form: CharterForm | None = None
) -> HttpResponse:
    """The plan's charter, its « J'accepte » button, and for coordinators the form publishing a new version."""
    charter = queries.latest_charter(plan)
    is_coordinator = policy.is_plan_coordinator(request.user, plan)
    context = _context(request, plan, _("Data-sharing charter"))
    context.update(
        {
            "charter": charter,
            "reason": reason,
            "accepted": queries.has_accepted_charter(request.user, plan) if charter else False,
            "is_coordinator": is_coordinator,
            "charter_form": form
            or (CharterForm(initial={"text": charter.text, "required": charter.required} if charter else None)),
        }
    )
    status = 403 if reason else (400 if form is not None else 200)
    return render(request, "signalements/charter.html", context, status=status)


def charter_gate(request: HttpRequest, plan: Plan) -> HttpResponse | None:
    """The charter page with its reason when the member must accept the plan's charter first, else None."""
    reason = charter_refusal_reason(request.user, plan)
    return charter_page(request, plan, reason=reason) if reason else None


def signalement_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Pages for the plan's members (`member_page`) that show signalements: behind the charter."""

    @member_page
    @wraps(view)
    def wrapper(request: HttpRequest, plan: Plan, *args: Any, **kwargs: Any) -> HttpResponse:
        refused = charter_gate(request, plan)
        if refused is not None:
            return refused
        return view(request, plan, *args, **kwargs)

    return wrapper


# --- helpers ----------------------------------------------------------------------------------------------------


def _titles() -> dict[str, str]:
    return {
        "list": _("Signalements"),
        "queue": _("Signalements to handle"),
        "mine": _("My signalements"),
        "new": _("New signalement"),
        "routing": _("Routing of signalements"),
    }


def _context(request: HttpRequest, plan: Plan, current: str, *, parent: bool = True) -> dict[str, Any]:
    links = [{"url": reverse("web:dashboard", args=[plan.slug]), "title": plan.name}]
    if parent and current != _titles()["list"]:
        links.append({"url": reverse("signalements:list", args=[plan.slug]), "title": _titles()["list"]})
    return {
        "plan": plan,
        "is_coordinator": policy.is_plan_coordinator(request.user, plan),
        "breadcrumb_data": {"links": links, "current": current},
        "now": timezone.now(),
    }


def _visible_or_404(request: HttpRequest, plan: Plan, pk: int) -> Signalement:
    found = (
        queries.visible_signalements(request.user, plan)
        .filter(pk=pk)
        .select_related(
            "category", "reporter_partner", "owner_partner", "owner", "deal_point", "operation", "eviction", "plan"
        )
        .first()
    )
    if found is None:
        raise Http404(_("No such signalement."))
    return found


def _my_partner_ids(user: Actor, plan: Plan) -> set[int]:
    return set(policy.user_partners(user, plan).values_list("pk", flat=True))


def allowed_steps(user: Actor, item: Signalement) -> dict[str, bool]:
    """The buttons the page shows: the coordinators and the responsible partners act; the owner's partner
    follows up; the reporter and the coordinators reopen. The actions check the policy again."""
    mine = _my_partner_ids(user, item.plan)
    coordinator = policy.is_plan_coordinator(user, item.plan)
    responsible = bool(mine & set(item.responsible.values_list("pk", flat=True)))
    acts = queries.may_act(user, item)
    open_ = item.status in Signalement.OPEN_STATUSES
    return {
        "take": item.status == Signalement.Status.NEW and (coordinator or responsible),
        "engage": item.status == Signalement.Status.TAKEN and acts,
        "resolve": open_ and acts,
        "close": open_ and acts,
        "reopen": not open_ and (acts or item.reporter_partner_id in mine),
        "link": acts,
    }


def _act(
    request: HttpRequest, plan: Plan, item: Signalement, call: Callable[[], Any], done: str, **forms: Any
) -> HttpResponse:
    try:
        call()
    except PermissionDenied:
        raise
    except ValidationError as error:
        return _render_detail(request, plan, item, forms=forms, error=" ".join(error.messages))
    messages.success(request, done)
    return redirect("signalements:detail", slug=plan.slug, pk=item.pk)


# --- lists --------------------------------------------------------------------------------------------------------


def _rows(user: Actor, signalements: Any) -> list[dict[str, Any]]:
    now = timezone.now()
    return [{"item": item, "overdue": item.is_overdue(now)} for item in signalements]


def _listing(
    request: HttpRequest, plan: Plan, base: Any, *, title: str, template: str, extra: dict[str, Any] | None = None
) -> HttpResponse:
    form = FilterForm(request.GET or None, plan=plan)
    items = base.select_related("category", "reporter_partner", "owner_partner")
    if form.is_bound and form.is_valid():
        if form.cleaned_data.get("statut"):
            items = items.filter(status=form.cleaned_data["statut"])
        if form.cleaned_data.get("categorie"):
            items = items.filter(category=form.cleaned_data["categorie"])
    page = Paginator(items.order_by("-created_at", "-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    context = _context(request, plan, title)
    context.update(
        {
            "title": title,
            "form": form,
            "page_obj": page,
            "rows": _rows(request.user, page.object_list),
            "may_report": bool(_my_partner_ids(request.user, plan)),
            **(extra or {}),
        }
    )
    return render(request, template, context, status=400 if form.is_bound and not form.is_valid() else 200)


@require_GET
@signalement_page
def signalement_list(request: HttpRequest, plan: Plan) -> HttpResponse:
    """Every signalement the member may read in the plan, filtered by status and category."""
    return _listing(
        request,
        plan,
        queries.visible_signalements(request.user, plan),
        title=_titles()["list"],
        template="signalements/list.html",
    )


@require_GET
@signalement_page
def queue(request: HttpRequest, plan: Plan) -> HttpResponse:
    """« Signalements à traiter »: the open signalements routed to the member's partner, overdue ones marked."""
    return _listing(
        request,
        plan,
        queries.queue_for(request.user, plan),
        title=_titles()["queue"],
        template="signalements/list.html",
        extra={"is_queue": True},
    )


@require_GET
@signalement_page
def mine(request: HttpRequest, plan: Plan) -> HttpResponse:
    """« Mes signalements »: what the member's partner reported, with the outcome sentence of each."""
    items = queries.reported_by(request.user, plan).select_related(
        "category", "owner_partner", "operation", "deal_point", "eviction"
    )
    page = Paginator(items.order_by("-created_at", "-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    context = _context(request, plan, _titles()["mine"])
    context.update(
        {"page_obj": page, "rows": [{"item": item, "outcome": outcome_sentence(item)} for item in page.object_list]}
    )
    return render(request, "signalements/mine.html", context)


# --- one signalement ----------------------------------------------------------------------------------------------


def _render_detail(
    request: HttpRequest, plan: Plan, item: Signalement, *, forms: dict[str, Any] | None = None, error: str = ""
) -> HttpResponse:
    forms = forms or {}
    user = request.user
    rights = allowed_steps(user, item)
    context = _context(request, plan, str(item.category))
    link_form = forms.get("link") or LinkForm(
        user=user,
        plan=plan,
        initial={"deal_point": item.deal_point, "operation": item.operation, "eviction": item.eviction},
    )
    context.update(
        {
            "item": item,
            "overdue": item.is_overdue(),
            "rights": rights,
            "events": list(item.events.select_related("actor").order_by("at", "pk")),
            "photos": list(item.photos.order_by("pk")) if queries.may_see_photos(user, item) else [],
            "responsible": list(item.responsible.order_by("name")),
            "informed": list(item.informed.order_by("name")),
            "outcome": outcome_sentence(item),
            "linked": _linked(user, item),
            "engage_form": forms.get("engage") or NoteForm(),
            "resolve_form": forms.get("resolve") or OutcomeForm(prefix="resolu"),
            "close_form": forms.get("close") or OutcomeForm(prefix="clos"),
            "reopen_form": forms.get("reopen") or ReopenForm(),
            "link_form": link_form,
            "error": error,
        }
    )
    return render(request, "signalements/detail.html", context, status=400 if error or forms else 200)


def _linked(user: Actor, item: Signalement) -> list[tuple[str, str]]:
    """The linked records as the reader may see them: health and care partners read only the outcome of a
    police operation, not the operation."""
    from copil.formats.render import reference_label

    care_only = not queries.may_see_operation_details(user, item)
    linked = []
    if item.deal_point is not None and not care_only:
        linked.append((_("Deal point"), reference_label(item.deal_point)))
    if item.operation is not None and not care_only:
        linked.append((_("Police operation"), reference_label(item.operation)))
    if item.eviction is not None:
        linked.append((_("Eviction procedure"), reference_label(item.eviction)))
    return linked


@require_GET
@signalement_page
def detail(request: HttpRequest, plan: Plan, pk: int) -> HttpResponse:
    """One signalement: what was seen, where it stands (due or overdue), its history, the steps the user may take."""
    return _render_detail(request, plan, _visible_or_404(request, plan, pk))


@require_POST
@signalement_page
def take(request: HttpRequest, plan: Plan, pk: int) -> HttpResponse:
    item = _visible_or_404(request, plan, pk)
    return _act(
        request,
        plan,
        item,
        lambda: actions.take_signalement(item, actor=request.user),
        _("You have taken the signalement in hand."),
    )


@require_POST
@signalement_page
def engage(request: HttpRequest, plan: Plan, pk: int) -> HttpResponse:
    item = _visible_or_404(request, plan, pk)
    form = NoteForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, plan, item, forms={"engage": form})
    return _act(
        request,
        plan,
        item,
        lambda: actions.engage_action(item, actor=request.user, note=form.cleaned_data["note"]),
        _("The action is recorded as engaged."),
        engage=form,
    )


@require_POST
@signalement_page
def resolve(request: HttpRequest, plan: Plan, pk: int) -> HttpResponse:
    item = _visible_or_404(request, plan, pk)
    form = OutcomeForm(request.POST, prefix="resolu")
    if not form.is_valid():
        return _render_detail(request, plan, item, forms={"resolve": form})
    return _act(
        request,
        plan,
        item,
        lambda: actions.resolve_signalement(item, actor=request.user, outcome=form.cleaned_data["outcome"]),
        _("The signalement is resolved; the reporting partner reads the outcome."),
        resolve=form,
    )


@require_POST
@signalement_page
def close(request: HttpRequest, plan: Plan, pk: int) -> HttpResponse:
    item = _visible_or_404(request, plan, pk)
    form = OutcomeForm(request.POST, prefix="clos")
    if not form.is_valid():
        return _render_detail(request, plan, item, forms={"close": form})
    return _act(
        request,
        plan,
        item,
        lambda: actions.close_without_action(item, actor=request.user, outcome=form.cleaned_data["outcome"]),
        _("The signalement is closed without action."),
        close=form,
    )


@require_POST
@signalement_page
def reopen(request: HttpRequest, plan: Plan, pk: int) -> HttpResponse:
    item = _visible_or_404(request, plan, pk)
    form = ReopenForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, plan, item, forms={"reopen": form})
    return _act(
        request,
        plan,
        item,
        lambda: actions.reopen_signalement(item, actor=request.user, reason=form.cleaned_data["reason"]),
        _("The signalement is reopened."),
        reopen=form,
    )


@require_POST
@signalement_page
def link(request: HttpRequest, plan: Plan, pk: int) -> HttpResponse:
    item = _visible_or_404(request, plan, pk)
    form = LinkForm(request.POST, user=request.user, plan=plan)
    if not form.is_valid():
        return _render_detail(request, plan, item, forms={"link": form})
    data = form.cleaned_data
    return _act(
        request,
        plan,
        item,
        lambda: actions.link_records(
            item,
            actor=request.user,
            deal_point=data.get("deal_point"),
            operation=data.get("operation"),
            eviction=data.get("eviction"),
        ),
        _("The records are linked."),
        link=form,
    )


@require_GET
@signalement_page
def photo(request: HttpRequest, plan: Plan, pk: int, photo_pk: int) -> HttpResponse:
    """A photo, only for those the policy lets see it (the reporter, the responsible partners, coordinators)."""
    item = _visible_or_404(request, plan, pk)
    if not queries.may_see_photos(request.user, item):
        raise PermissionDenied(_("Only the reporting partner, the partners in charge and the coordinators see photos."))
    found = Photo.objects.filter(signalement=item, pk=photo_pk).first()
    if found is None:
        raise Http404(photo_pk)
    with found.file.open("rb") as stored:  # at most 2 MB once re-encoded
        response = HttpResponse(stored.read(), content_type=found.content_type)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- new signalement ----------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@signalement_page
def create(request: HttpRequest, plan: Plan) -> HttpResponse:
    """A new signalement of the member's partner: category, description (checked for names and birth dates),
    address and point (the phone's GPS or a click on the map), photos. The form's identifier makes a second send of
    the same form store nothing more."""
    partners = list(queries.reporting_partners(request.user, plan).order_by("name"))
    if not partners:
        raise PermissionDenied(_("Only the members of a partner of the plan record signalements."))
    initial = {"client_id": uuid.uuid4(), "observed_at": timezone.localtime().replace(second=0, microsecond=0)}
    form = SignalementForm(request.POST or None, request.FILES or None, plan=plan, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            item, created = actions.create_signalement(
                plan,
                actor=request.user,
                client_id=data["client_id"],
                category=data["category"],
                description=data["description"],
                observed_at=data["observed_at"],
                address=data["address"],
                latitude=data["latitude"],
                longitude=data["longitude"],
                photos=[upload.read() for upload in data["photos"]],
                reporter_partner=partners[0],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            if created:
                messages.success(request, _("The signalement is recorded and sent to the partners in charge."))
            else:
                messages.info(request, _("This signalement had already been recorded."))
            return redirect("signalements:detail", slug=plan.slug, pk=item.pk)
    context = _context(request, plan, _titles()["new"])
    context.update(
        {
            "form": form,
            "points_json": _points_json(request.user, plan),
            "tile_url": settings.COPIL_TILE_URL,
            "tile_attribution": settings.COPIL_TILE_ATTRIBUTION,
        }
    )
    return render(request, "signalements/form.html", context, status=400 if form.is_bound else 200)


def _points_json(user: Actor, plan: Plan) -> str:
    import json

    return json.dumps(located_deal_points(user, plan), ensure_ascii=False)


def _add_errors(form: SignalementForm, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


# --- routing (coordinators) ---------------------------------------------------------------------------------------


def _territories(plan: Plan) -> Any:
    from django.db.models import Q

    return Territory.objects.filter(Q(pk=plan.territory_id) | Q(parent_id=plan.territory_id)).order_by("name")


def _require_coordinator(request: HttpRequest, plan: Plan) -> None:
    if not policy.is_plan_coordinator(request.user, plan):
        raise PermissionDenied(_("Only the plan's coordinators manage the routing of signalements."))


@require_http_methods(["GET", "POST"])
@signalement_page
def routing(request: HttpRequest, plan: Plan) -> HttpResponse:
    """The routing table: category × territory → responsible and informed partners; delays per category."""
    _require_coordinator(request, plan)
    rule_form = RoutingRuleForm(plan=plan, territories=_territories(plan))
    delays_form = CategoryDelaysForm(plan=plan)
    error = ""
    if request.method == "POST":
        if request.POST.get("formulaire") == "delais":
            delays_form = CategoryDelaysForm(request.POST, plan=plan)
            if delays_form.is_valid():
                data = delays_form.cleaned_data
                try:
                    page_actions.set_category_delays(
                        data["category"], actor=request.user, take_days=data["take_days"], due_days=data["due_days"]
                    )
                except ValidationError as refused:
                    error = " ".join(refused.messages)
                else:
                    messages.success(request, _("The delays are saved."))
                    return redirect("signalements:routing", slug=plan.slug)
        else:
            rule_form = RoutingRuleForm(request.POST, plan=plan, territories=_territories(plan))
            if rule_form.is_valid():
                data = rule_form.cleaned_data
                try:
                    actions.set_routing_rule(
                        plan,
                        actor=request.user,
                        category=data["category"],
                        territory=data["territory"],
                        responsible=list(data["responsible"]),
                        informed=list(data["informed"]),
                    )
                except ValidationError as refused:
                    error = " ".join(refused.messages)
                else:
                    messages.success(request, _("The routing rule is saved."))
                    return redirect("signalements:routing", slug=plan.slug)
    rules = (
        RoutingRule.objects.filter(plan=plan)
        .select_related("category", "territory")
        .prefetch_related("responsible", "informed")
        .order_by("category__label", "territory__name")
    )
    context = _context(request, plan, _titles()["routing"])
    context.update(
        {
            "rules": rules,
            "categories": Category.objects.filter(plan=plan).order_by("label"),
            "rule_form": rule_form,
            "delays_form": delays_form,
            "error": error,
        }
    )
    bound = request.method == "POST"
    return render(request, "signalements/routing.html", context, status=400 if bound else 200)


# --- the charter ----------------------------------------------------------------------------------------------------


@require_GET
@member_page
def charter(request: HttpRequest, plan: Plan) -> HttpResponse:
    """The plan's charter (every member may read it, accepted or not)."""
    return charter_page(request, plan)


@require_POST
@member_page
def charter_accept(request: HttpRequest, plan: Plan) -> HttpResponse:
    if queries.latest_charter(plan) is None:
        raise Http404(_("This plan has no charter to accept."))
    try:
        actions.accept_charter(plan, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("signalements:charter", slug=plan.slug)
    messages.success(request, _("You have accepted the charter; thank you."))
    return redirect("signalements:list", slug=plan.slug)


@require_POST
@member_page
def charter_publish(request: HttpRequest, plan: Plan) -> HttpResponse:
    if not policy.is_plan_coordinator(request.user, plan):
        raise PermissionDenied(_("Only the plan's coordinators publish its charter."))
    form = CharterForm(request.POST)
    if not form.is_valid():
        return charter_page(request, plan, form=form)
    try:
        published = actions.publish_charter(
            plan, actor=request.user, text=form.cleaned_data["text"], required=form.cleaned_data["required"]
        )
    except ValidationError as error:
        form.add_error("text", error)
        return charter_page(request, plan, form=form)
    messages.success(
        request,
        _("Version {version} of the charter is published; every member accepts it again.").format(
            version=published.version
        ),
    )
    return redirect("signalements:charter", slug=plan.slug)


def person_level_gate(request: HttpRequest, kind: str, plans: Any) -> HttpResponse | None:
    """For the person-level record pages (`policy.PERSON_LEVEL_KINDS`): the charter page of the first of `plans`
    (a plan or plans) whose charter the member must accept first, else None."""
    if kind not in policy.PERSON_LEVEL_KINDS:
        return None
    for plan in [plans] if isinstance(plans, Plan) else plans:
        if charter_refusal_reason(request.user, plan):
            return charter_gate(request, plan)
    return None
