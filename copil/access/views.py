"""Account pages under /compte/: login, logout, set password, members, invitation, deactivation, audit trail;
and the referral entry page, where a care partner types an identity that only its pseudonym outlives.

Views stay thin: access is decided by `copil.access.policy`, writes go through `copil.access.accounts` and
`copil.records.actions`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from copil.access.actors import Actor
from copil.plans.models import Membership, Plan
from copil.records.models import RECORD_KINDS

from . import accounts, oidc, policy, twofactor
from . import journal as journal_text
from .audit import record_event
from .forms import (
    ChangePasswordForm,
    ForgottenPasswordForm,
    InvitationForm,
    LoginForm,
    PasswordForm,
    use_dsfr_widgets,
)
from .models import AuditEvent

JOURNAL_PAGE_SIZE = 100


class LoginView(auth_views.LoginView):
    template_name = "access/login.html"
    form_class = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["oidc_enabled"] = getattr(settings, "COPIL_OIDC_ENABLED", False)
        context["oidc_failed"] = self.request.GET.get("oidc") == "echec"
        return context


class LogoutView(auth_views.LogoutView):
    """Django's logout; after an OpenID Connect login, the provider's session is ended too."""

    template_name = "access/logged_out.html"

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        at_provider = oidc.provider_logout_url(request)
        response = super().post(request, *args, **kwargs)
        return HttpResponseRedirect(at_provider) if at_provider else response


class SetPasswordView(auth_views.PasswordResetConfirmView):
    """The invitation link: the invited person chooses a password (Django's validators apply)."""

    template_name = "access/set_password.html"
    form_class = PasswordForm
    success_url = reverse_lazy("access:login")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        record_event(self.user, AuditEvent.Action.PASSWORD_SET, obj=self.user, actor_label=self.user.get_username())
        messages.success(self.request, _("Your password is set. You can now log in."))
        return response


class ForgottenPasswordView(auth_views.PasswordResetView):
    """« Mot de passe oublié » : e-mails a link to choose a new password (Django's tokens: single use, expiring
    after `PASSWORD_RESET_TIMEOUT`). The second factor still applies at the next sign-in."""

    template_name = "access/password_forgotten.html"
    form_class = ForgottenPasswordForm
    subject_template_name = "access/password_reset_subject.txt"
    email_template_name = "access/password_reset_email.txt"
    success_url = reverse_lazy("access:password_reset_sent")


class ForgottenPasswordSentView(auth_views.PasswordResetDoneView):
    template_name = "access/password_reset_sent.html"


class ResetPasswordView(SetPasswordView):
    """The link of the « mot de passe oublié » e-mail: the person chooses a new password, then signs in with it."""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), "reset": True}

    def form_valid(self, form: Any) -> HttpResponse:
        response = auth_views.PasswordResetConfirmView.form_valid(self, form)
        record_event(self.user, AuditEvent.Action.PASSWORD_SET, obj=self.user, actor_label=self.user.get_username())
        messages.success(self.request, _("Your new password is saved. You can now log in with it."))
        return response


class ChangePasswordView(auth_views.PasswordChangeView):
    """A signed-in person changes their password; the session stays open and the change is audited."""

    template_name = "access/change_password.html"
    form_class = ChangePasswordForm
    success_url = reverse_lazy("web:home")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        user = self.request.user
        record_event(user, AuditEvent.Action.PASSWORD_SET, obj=user, actor_label=user.get_username())
        messages.success(self.request, _("Your password is changed."))
        return response


def _coordinated_plan(request: HttpRequest) -> tuple[Plan | None, QuerySet[Plan]]:
    """The plan chosen with `?plan=` among those the user coordinates (the first one by default)."""
    plans = policy.coordinated_plans(request.user).order_by("name")
    if not plans.exists():
        raise PermissionDenied(_("Only a coordinator of the plan can manage its members."))
    slug = request.GET.get("plan") or request.POST.get("plan")
    plan = plans.filter(slug=slug).first() if slug else plans.first()
    if plan is None:
        raise PermissionDenied(_("Only a coordinator of the plan can manage its members."))
    return plan, plans


@login_required
def members(request: HttpRequest) -> HttpResponse:
    plan, plans = _coordinated_plan(request)
    return render(
        request,
        "access/members.html",
        {
            "plan": plan,
            "plans": plans,
            "memberships": accounts.members(plan),
            "enrolled_user_ids": twofactor.enrolled_user_ids(plan),
        },
    )


@login_required
def invite(request: HttpRequest) -> HttpResponse:
    plan, plans = _coordinated_plan(request)
    form = InvitationForm(request.POST or None, plan=plan)
    if request.method == "POST" and form.is_valid():
        try:
            accounts.invite_member(
                request.user,
                plan=plan,
                partner=form.cleaned_data["partner"],
                email=form.cleaned_data["email"],
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
                base_url=request.build_absolute_uri("/"),
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(
                request,
                _("Invitation sent to {email}.").format(email=form.cleaned_data["email"]),
            )
            return HttpResponseRedirect(f"{reverse('access:members')}?plan={plan.slug}")
    return render(request, "access/invite.html", {"plan": plan, "plans": plans, "form": form})


@login_required
@require_POST
def deactivate(request: HttpRequest, membership_id: int) -> HttpResponse:
    membership = get_object_or_404(Membership.objects.select_related("partner__plan", "user"), pk=membership_id)
    if not policy.is_plan_coordinator(request.user, membership.partner.plan):
        raise PermissionDenied(_("Only a coordinator of the plan can manage its members."))
    try:
        accounts.deactivate_member(request.user, membership)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("{user} no longer has access.").format(user=membership.user.get_username()))
    return HttpResponseRedirect(f"{reverse('access:members')}?plan={membership.partner.plan.slug}")


class JournalFilterForm(forms.Form):
    plan = forms.ModelChoiceField(label=gettext_lazy("Plan"), queryset=Plan.objects.none(), required=False)
    action = forms.ChoiceField(
        label=gettext_lazy("Action"),
        choices=[("", "—"), *AuditEvent.Action.choices],
        required=False,
    )
    actor = forms.CharField(label=gettext_lazy("Actor"), required=False)
    object_type = forms.CharField(label=gettext_lazy("Object type"), required=False)
    start = forms.DateField(label=gettext_lazy("From"), required=False)
    end = forms.DateField(label=gettext_lazy("To"), required=False)

    def __init__(self, *args: Any, plans: QuerySet[Plan], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = plans
        for name in ("start", "end"):
            self.fields[name].widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
        use_dsfr_widgets(self)


_RECORD_KIND_OF_TYPE = {model._meta.label_lower: kind for kind, model in RECORD_KINDS.items()}


def values_visible(user: Actor, event: AuditEvent) -> bool:
    """Whether the user may see the values an event holds: the values of a record are line-level data, shown
    only to who may read that record (a coordinator sees who changed a referral to care, and when, not what)."""
    kind = _RECORD_KIND_OF_TYPE.get(event.object_type)
    if kind is None:
        return True
    if event.partner_id is not None and event.partner is not None:
        return policy.can(user, "read", kind, event.partner)
    return policy.can(user, "read", kind, plan=event.plan_id) and kind not in policy.PERSON_LEVEL_KINDS


def with_visibility(user: Actor, events: Any) -> list[AuditEvent]:
    """The events, each with `values_shown` telling the template whether to print before/after/details, its
    French `sentence`, its `change_rows` and its `detail_rows`."""
    events = list(events)
    for event in events:
        event.values_shown = values_visible(user, event)
        event.sentence = journal_text.sentence(event)
        event.change_rows = journal_text.change_rows(event) if event.values_shown else []
        event.detail_rows = journal_text.detail_rows(event) if event.values_shown else []
    return events


def journal_queryset(user: Actor) -> QuerySet[AuditEvent]:
    """The audit events a user may read: everything for superusers; for a coordinator, the events of the
    plans they coordinate, plus the logins of those plans' members."""
    events = AuditEvent.objects.all()
    if getattr(user, "is_superuser", False) and user.is_active:
        return events
    plans = policy.coordinated_plans(user)
    member_names = Membership.objects.filter(partner__plan__in=plans).values_list("user__username", flat=True)
    return events.filter(Q(plan__in=plans) | Q(plan__isnull=True, actor_label__in=member_names))


@login_required
def journal(request: HttpRequest) -> HttpResponse:
    """The audit trail, read-only, with filters (coordinators and superusers)."""
    plans = policy.coordinated_plans(request.user).order_by("name")
    if not plans.exists():
        raise PermissionDenied(_("Only a coordinator of the plan can read its audit trail."))
    form = JournalFilterForm(request.GET or None, plans=plans)
    events = journal_queryset(request.user)
    if form.is_valid():
        data = form.cleaned_data
        if data["plan"]:
            events = events.filter(plan=data["plan"])
        if data["action"]:
            events = events.filter(action=data["action"])
        if data["actor"]:
            events = events.filter(actor_label__icontains=data["actor"])
        if data["object_type"]:
            events = events.filter(object_type__icontains=data["object_type"])
        zone = timezone.get_current_timezone()
        if data["start"]:
            events = events.filter(at__gte=dt.datetime.combine(data["start"], dt.time.min, zone))
        if data["end"]:
            events = events.filter(at__lt=dt.datetime.combine(data["end"] + dt.timedelta(days=1), dt.time.min, zone))
    page = Paginator(events.select_related("partner").order_by("-at", "-pk"), JOURNAL_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    page.object_list = with_visibility(request.user, page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "access/journal.html", {"form": form, "page": page, "query": query.urlencode()})


def new_referral(request: HttpRequest, slug: str) -> HttpResponsePermanentRedirect:
    """The old address of the referral form: referrals are entered with the records' own form (one per kind)."""
    plan = get_object_or_404(Plan, slug=slug)
    return HttpResponsePermanentRedirect(f"{reverse('records:create', args=['care_referral'])}?plan={plan.slug}")
