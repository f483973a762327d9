"""Who sees which signalements, and the charter gate.

coordinators (and superusers): every signalement of the plan; other members: what their partners reported and
what is routed to them (responsible or informed); the public: nothing (only published aggregate figures). When the
plan requires its charter and the member has not accepted its latest version within a year: nothing at all.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from copil.access import policy
from copil.access.actors import Actor
from copil.plans.models import Plan

from .models import CHARTER_VALIDITY_DAYS, Charter, CharterAcceptance, Signalement


def latest_charter(plan: Plan | int) -> Charter | None:
    return Charter.objects.filter(plan=plan).order_by("-version").first()


def charter_required(plan: Plan | int) -> bool:
    """Whether the plan's latest charter must be accepted before seeing signalements and person-level pages."""
    charter = latest_charter(plan)
    return charter is not None and charter.required


def has_accepted_charter(user: Actor, plan: Plan | int, now: dt.datetime | None = None) -> bool:
    """Whether the user accepted the plan's latest charter less than a year ago."""
    charter = latest_charter(plan)
    if charter is None or user is None or not getattr(user, "is_authenticated", False):
        return False
    since = (now or timezone.now()) - dt.timedelta(days=CHARTER_VALIDITY_DAYS)
    return CharterAcceptance.objects.filter(charter=charter, user=user, accepted_at__gt=since).exists()


def charter_gate(user: Actor, plan: Plan | int) -> str | None:
    """Why the user may see no signalement, photo or person-level page of the plan (French), or None when the
    charter does not stop them (no required charter, accepted, the system, a superuser)."""
    if user is None or getattr(user, "is_superuser", False):
        return None
    if not charter_required(plan) or has_accepted_charter(user, plan):
        return None
    return _(
        "The plan requires each member to accept its data-sharing charter (renewed every year and whenever its "
        "text changes) before seeing signalements and person-level records: read and accept it first."
    )


def _is_coordinator(user: Actor, plan: Plan | int) -> bool:
    return policy.is_plan_coordinator(user, plan)


def _partner_ids(user: Actor, plan: Plan | int) -> list[int]:
    return list(policy.user_partners(user, plan).values_list("pk", flat=True))


def visible_signalements(user: Actor, plan: Plan | int) -> QuerySet[Signalement]:
    """The signalements of the plan the user may list and open."""
    everything = Signalement.objects.filter(plan=plan)
    if user is None:
        return everything
    if charter_gate(user, plan) is not None:
        return everything.none()
    if _is_coordinator(user, plan):
        return everything
    partners = _partner_ids(user, plan)
    if not partners:
        return everything.none()
    ids = Signalement.objects.filter(
        Q(reporter_partner__in=partners) | Q(responsible__in=partners) | Q(informed__in=partners), plan=plan
    ).values("pk")
    return everything.filter(pk__in=ids)


def queue_for(user: Actor, plan: Plan | int) -> QuerySet[Signalement]:
    """The open signalements routed to the user's partners (responsible), oldest due first."""
    open_ = visible_signalements(user, plan).filter(status__in=Signalement.OPEN_STATUSES)
    ids = Signalement.objects.filter(plan=plan, responsible__in=_partner_ids(user, plan)).values("pk")
    return open_.filter(Q(pk__in=ids) | Q(owner_partner__in=_partner_ids(user, plan))).order_by("due_at", "pk")


def reported_by(user: Actor, plan: Plan | int) -> QuerySet[Signalement]:
    """What the user reported in the plan, newest first (with the outcome once treated)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return Signalement.objects.none()
    return visible_signalements(user, plan).filter(reporter=user).order_by("-created_at", "-pk")


def may_act(user: Actor, signalement: Signalement) -> bool:
    """Whether the user may take, engage, resolve, close, reopen or link it: coordinators, and members of its
    responsible partners or of the partner that owns it."""
    if user is None:
        return True
    if charter_gate(user, signalement.plan_id) is not None:
        return False
    if _is_coordinator(user, signalement.plan_id):
        return True
    partners = set(_partner_ids(user, signalement.plan_id))
    if signalement.owner_partner_id in partners:
        return True
    return signalement.responsible.filter(pk__in=partners).exists()


def may_see_photos(user: Actor, signalement: Signalement) -> bool:
    """Photos: the reporting partner, the responsible partners and the coordinators."""
    if user is None:
        return True
    if charter_gate(user, signalement.plan_id) is not None:
        return False
    if _is_coordinator(user, signalement.plan_id):
        return True
    partners = set(_partner_ids(user, signalement.plan_id))
    if signalement.reporter_partner_id in partners:
        return True
    return signalement.responsible.filter(pk__in=partners).exists()


def may_see_operation_details(user: Actor, signalement: Signalement) -> bool:
    """Health and care partners see of a linked police operation only the outcome text."""
    if user is None or _is_coordinator(user, signalement.plan_id):
        return True
    roles = policy.user_roles(user, signalement.plan_id)
    return not roles <= {"care", "health", "public"}


def reporting_partners(user: Actor, plan: Plan | int) -> QuerySet:
    """The partners the user may report for (any partner of the plan they act for, except the public)."""
    return policy.user_partners(user, plan).exclude(role="public")


def may_manage_routing(user: Actor, plan: Plan | int) -> bool:
    """Routing rules and the charter: the plan's coordinators."""
    return user is None or _is_coordinator(user, plan)
