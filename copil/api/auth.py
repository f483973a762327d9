"""Bearer-token authentication of the API: a token acts as its partner, with that partner's role.

The request's principal is the token's creator as `copil.access.policy` sees users, reduced to one seat — the
token's partner — and never a superuser; and the creator stays its delegator: a token does only what both its
partner and its creator may do (a coordinator's token of a police partner reads, it does not write).
The audit trail names the creator and the token (`jean.dupont (jeton copil_AbCd1234…)`), on the `api` channel.
"""

import copy
import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer

from copil.access import policy
from copil.access.actors import Actor
from copil.plans.models import Partner

from .models import ApiToken, hash_token

MAX_TOKEN_LENGTH = 200
LAST_USED_PRECISION = dt.timedelta(minutes=1)


def can_manage_tokens(user: Actor, partner: Partner) -> bool:
    """The partner's active members manage its tokens; so do administrators and the plan's coordinators,
    except those of a care partner (a token reads the partner's referrals to care: health data)."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return False
    if any(seat.partner_id == partner.pk for seat in policy.seats(user)):
        return True
    if partner.role == Partner.Role.CARE:
        return False
    return bool(user.is_superuser or policy.is_plan_coordinator(user, partner.plan_id))


def manageable_partners(user: Actor) -> Any:
    """Partners whose tokens the user may create and revoke."""
    if not getattr(user, "is_authenticated", False):
        return Partner.objects.none()
    own = Partner.objects.filter(pk__in=[seat.partner_id for seat in policy.seats(user)])
    delegable = Partner.objects.exclude(role=Partner.Role.CARE)
    if user.is_superuser:
        return delegable | own
    coordinated = [seat.plan_id for seat in policy.seats(user) if seat.role == policy.COORDINATOR]
    return delegable.filter(plan_id__in=coordinated) | own


def principal_for(token: ApiToken) -> Any:
    """The user the policy sees for a request made with `token`: its creator, holding only the partner's seat."""
    partner = token.partner
    principal = copy.copy(token.created_by)
    principal.is_superuser = False
    principal.is_staff = False
    principal._copil_seats = (policy.Seat(partner.pk, partner.plan_id, partner.role),)
    principal._copil_delegated_by = token.created_by
    label = f"{token.created_by.get_username()} (jeton {token.prefix}…)"
    principal.get_username = lambda: label
    principal.api_token = token
    return principal


class TokenAuth(HttpBearer):
    """`Authorization: Bearer <token>`; 401 for a missing, unknown or revoked token, or one whose creator may
    no longer manage the partner's tokens."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        if not token or len(token) > MAX_TOKEN_LENGTH:
            return None
        tokens = ApiToken.objects.active().select_related("partner__plan", "created_by")
        found = tokens.filter(key_hash=hash_token(token)).first()
        if found is None or found.created_by is None or not can_manage_tokens(found.created_by, found.partner):
            return None
        now = timezone.now()
        if found.last_used_at is None or now - found.last_used_at > LAST_USED_PRECISION:
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
            found.last_used_at = now
        return principal_for(found)
