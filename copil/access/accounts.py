"""Account services: a plan coordinator invites a person to act for a partner, and deactivates members.

Accounts are never deleted (the audit trail keeps naming who did what); a deactivated member keeps their
history and loses every access at once (the policy only counts active memberships, and a user left with no
active membership can no longer log in).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from copil.access.actors import Actor
from copil.plans.models import Membership, Partner, Plan

from . import policy
from .audit import auditlog_disabled, record_event, snapshot
from .models import AuditEvent


@dataclass(frozen=True)
class Invitation:
    """The result of an invitation: the (new or existing) user, the membership and the set-password link."""

    user: Actor
    membership: Membership
    link: str
    new_account: bool


def _require_coordinator(actor: Actor, plan: Plan) -> None:
    if actor is not None and not policy.is_plan_coordinator(actor, plan):
        raise PermissionDenied(_("Only a coordinator of the plan can manage its members."))


def set_password_link(user: Actor, base_url: str = "") -> str:
    """A one-time link to choose a password (Django's password-reset token: it expires after
    PASSWORD_RESET_TIMEOUT and once the password is set)."""
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    path = reverse("access:set_password", kwargs={"uidb64": uidb64, "token": default_token_generator.make_token(user)})
    return base_url.rstrip("/") + path


def invite_member(
    actor: Actor,
    *,
    plan: Plan,
    partner: Partner,
    email: str,
    first_name: str = "",
    last_name: str = "",
    base_url: str = "",
) -> Invitation:
    """Make the person a member of `partner` (creating their account if needed) and e-mail them a link to
    choose a password. `actor` must coordinate the plan (None: the system, e.g. a command).

    Members of recording partners get access to the administration's entry forms (`is_staff`), where the
    policy decides what they see. Raises ValidationError if the person is already an active member.
    """
    _require_coordinator(actor, plan)
    if partner.plan_id != plan.pk:
        raise ValidationError(_("This partner does not belong to the plan."))
    email = get_user_model().objects.normalize_email(email.strip()).lower()
    if not email:
        raise ValidationError(_("An e-mail address is required."))
    user_model = get_user_model()
    with transaction.atomic(), auditlog_disabled():
        user = user_model.objects.filter(email__iexact=email).order_by("pk").first()
        new_account = user is None
        if new_account:
            user = user_model(username=email, email=email, first_name=first_name[:150], last_name=last_name[:150])
            user.set_unusable_password()
            user.is_staff = partner.role != Partner.Role.PUBLIC
            user.save()
        else:
            changed = []
            if not user.is_active:
                user.is_active, changed = True, [*changed, "is_active"]
            if partner.role != Partner.Role.PUBLIC and not user.is_staff:
                user.is_staff, changed = True, [*changed, "is_staff"]
            if changed:
                user.save(update_fields=changed)
        refusal = policy.care_membership_refusal(actor, partner, user)
        if refusal:
            raise ValidationError(refusal)
        membership = Membership.objects.filter(partner=partner, user=user).first()
        before = snapshot(membership)
        if membership is None:
            membership = Membership.objects.create(partner=partner, user=user)
        elif membership.is_active:
            raise ValidationError(_("This person is already a member of this partner."))
        else:
            membership.deactivated_at = None
            membership.save(update_fields=["deactivated_at"])
        link = set_password_link(user, base_url)
        record_event(
            actor,
            AuditEvent.Action.INVITE,
            plan=plan,
            partner=partner,
            obj=membership,
            before=before,
            after=membership,
            details={"email": email, "new_account": new_account},
        )
    policy.forget(user)
    send_mail(
        _("Your access to Copil — {plan}").format(plan=plan.name),
        _(
            "Hello,\n\nYou have been invited to take part in the plan « {plan} » on behalf of {partner}.\n"
            "Choose your password with this link (valid {days} days):\n{link}\n\nIf you did not expect this "
            "message, ignore it."
        ).format(plan=plan.name, partner=partner.name, days=settings.PASSWORD_RESET_TIMEOUT // 86400, link=link),
        None,
        [email],
    )
    return Invitation(user=user, membership=membership, link=link, new_account=new_account)


def deactivate_member(actor: Actor, membership: Membership) -> Membership:
    """End a membership; a user left without any active membership is deactivated (cannot log in).

    Superusers keep their account (they administer the deployment, membership or not).
    """
    plan = membership.partner.plan
    _require_coordinator(actor, plan)
    if actor is not None and membership.user_id == actor.pk:
        raise ValidationError(_("You cannot deactivate your own membership."))
    with transaction.atomic(), auditlog_disabled():
        membership = Membership.objects.select_for_update().select_related("user", "partner").get(pk=membership.pk)
        if not membership.is_active:
            return membership
        before = snapshot(membership)
        membership.deactivated_at = timezone.now()
        membership.save(update_fields=["deactivated_at"])
        user = membership.user
        others = Membership.objects.filter(user=user, deactivated_at__isnull=True).exclude(pk=membership.pk)
        account_closed = not others.exists() and not user.is_superuser
        if account_closed:
            user.is_active = False
            user.save(update_fields=["is_active"])
        record_event(
            actor,
            AuditEvent.Action.DEACTIVATE,
            plan=plan,
            partner=membership.partner,
            obj=membership,
            before=before,
            after=membership,
            details={"user": user.get_username(), "account_deactivated": account_closed},
        )
    policy.forget(user)
    return membership


def members(plan: Plan) -> list[Membership]:
    """Every membership of the plan's partners, active first, then by partner and name."""
    return list(
        Membership.objects.filter(partner__plan=plan)
        .select_related("user", "partner")
        .order_by(F("deactivated_at").asc(nulls_first=True), "partner__name", "user__last_name", "user__first_name")
    )
