"""The data-protection role of the access policy: who answers the rights of the persons recorded in a plan.

A coordinator of the plan designated its data protection officer (copil.privacy.models.DataProtectionOfficer) is
the only one who searches the plan's person-level records by a person's identity and answers the person's rights
(access, rectification, restriction, erasure); not the other coordinators, not the superusers (who never browse
health data), nobody in another plan.
"""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from copil.plans.models import Plan

from .actors import Actor
from .policy import COORDINATOR, seats

DATA_PROTECTION = "data_protection"


def _plan_id(plan: Plan | int) -> int:
    return plan.pk if isinstance(plan, Plan) else plan


def may_answer_rights(user: Actor, plan: Plan | int) -> bool:
    """Whether the user holds the data-protection role in the plan."""
    from copil.privacy.models import DataProtectionOfficer

    if user is None or not user.is_authenticated:
        return False
    plan_id = _plan_id(plan)
    if COORDINATOR not in {s.role for s in seats(user) if s.plan_id == plan_id}:
        return False
    return DataProtectionOfficer.objects.filter(plan_id=plan_id, user_id=user.pk).exists()


def require_rights(user: Actor, plan: Plan | int) -> None:
    """`may_answer_rights`, or PermissionDenied with a French message."""
    if not may_answer_rights(user, plan):
        raise PermissionDenied(_("Only the plan's data protection officer may search records by identity."))


def may_designate_officers(user: Actor) -> bool:
    """Only the deployment's administrators designate a plan's data protection officers: a coordinator cannot
    grant themselves the identity search."""
    return bool(user is not None and user.is_authenticated and user.is_superuser)


def may_set_retention(user: Actor, plan: Plan | int) -> bool:
    """A plan's own retention durations (within the table's bounds) are set by the deployment's administrators
    or by the plan's data protection officer."""
    return may_designate_officers(user) or may_answer_rights(user, plan)
