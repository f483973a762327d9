"""The access policy: who may create, read, update and delete each kind of object, and which aggregates
each role sees — one table, enforced by the querysets every channel goes through.

Roles are those of `Partner.Role`; a user holds the role of each partner they are an active member of
(`Membership.deactivated_at` is null), in that partner's plan only. The tables below are the whole policy:
views, API endpoints, exports and reports never decide access themselves, they call

- `can` / `require` before any write (and for a yes/no on one object),
- `visible_records` / `visible_plan_objects` for every list (the ONLY way channels list records),
- `aggregate_rule` before showing an indicator.

Cell grammar: a string of letters among c, r, u, d (create, read, update, delete); lowercase applies to the
records of the user's own partner, UPPERCASE to every record of the plans where the user holds that role;
"-" grants nothing. The `superuser` column is for the deployment's administrators (Django superusers), in
every plan, membership or not.

Decisions recorded here:
- coordinators read the lines of every record kind of their plan (figures stay traceable) except referrals
  to care, which are person-level health data; convictions are pseudonymised judicial data and stay readable.
- the penal chain (garde à vue … sentence, one line per person and stage) is the parquet's: its lines are read by
  the justice role only (and administrators), the coordinator reads its figures exactly, the others above the
  disclosure threshold.
- superusers administer everything, but never see referral lines either: like anyone, they see a referral
  only as a member of a care partner of that plan (then with the care role's rights), so an administrator
  account cannot be used to browse health data. Aggregates stay exact for them.
- agreements are the coordinator's records: the coordinator creates them for any partner of the plan.
- administrative measures (loi narcotrafic) are the préfecture's and the police's records: the préfecture
  (coordinator) records its own and reads every one of the plan; the person a measure targets is a pseudonym.
- care activity (harm reduction and care sites, issue 14 family 6) is entered by the care and health partners, one
  line per site and month of counts only (never a person): the coordinator reads its lines like other aggregate
  records; its figures are aggregates like any other, but those counting persons (active file, overdoses, people
  housed) are read exactly by the care and health partners and the coordinator only, above the threshold by others.
- plan objects: every member (but the public) reads the plan, its axes, partners, actions, meetings and
  decisions; the coordinator manages them and the memberships (deactivated, not deleted: only superusers
  delete one); a partner updates the actions it owns and reads its own memberships.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from copil.access.actors import Actor
from copil.plans.models import Action, Axis, Decision, Meeting, Membership, Partner, Plan, Target, Territory
from copil.records.models import RECORD_KINDS, Record

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from typing_extensions import TypeIs

ACTIONS = ("create", "read", "update", "delete")
LETTERS = {"c": "create", "r": "read", "u": "update", "d": "delete"}
ROLES = tuple(Partner.Role.values)
SUPERUSER = "superuser"
PUBLIC = Partner.Role.PUBLIC.value
COORDINATOR = Partner.Role.COORDINATOR.value

# Record kinds (copil.records.models.RECORD_KINDS).
RECORD_TABLE = """
kind                 coordinator  police  justice  city  housing  care  health  public  superuser
deal_point           R            crud    -        -     -        -     -       -       CRUD
network              R            crud    -        -     -        -     -       -       CRUD
operation            R            crud    -        -     -        -     -       -       CRUD
seizure              R            crud    -        -     -        -     -       -       CRUD
arrest               R            crud    -        -     -        -     -       -       CRUD
deployment_reading   R            crud    -        -     -        -     -       -       CRUD
field_observation    R            crud    -        -     -        crud  -       -       CRUD
conviction           R            -       crud     -     -        -     -       -       CRUD
camera               R            -       -        crud  -        -     -       -       CRUD
eviction_procedure   R            -       -        -     crud     -     -       -       CRUD
prevention_action    R            -       -        -     -        crud  -       -       CRUD
care_referral        -            -       -        -     -        crud  -       -       -
capacity_reading     R            -       -        -     -        -     crud    -       CRUD
agreement            CRUD         -       -        -     -        -     -       -       CRUD
drug_fine            R            crud    -        -     -        -     -       -       CRUD
weapon_seizure       R            crud    -        -     -        -     -       -       CRUD
asset_seizure        R            crud    -        -     -        -     -       -       CRUD
street_price         R            crud    -        -     -        -     -       -       CRUD
street_count         R            crud    -        -     -        crud  -       -       CRUD
administrative_measure Rcud       crud    -        -     -        -     -       -       CRUD
penal_step           -            -       crud     -     -        -     -       -       CRUD
care_activity        R            -       -        -     -        crud  crud    -       CRUD
"""

# Plan objects (copil.plans.models). Lowercase: the actions the partner owns, the memberships of the partner.
PLAN_OBJECT_TABLE = """
kind                 coordinator  police  justice  city  housing  care  health  public  superuser
plan                 RU           R       R        R     R        R     R       -       CRUD
axis                 CRUD         R       R        R     R        R     R       -       CRUD
partner              CRUD         R       R        R     R        R     R       -       CRUD
membership           CRU          r       r        r     r        r     r       -       CRUD
action               CRUD         Ru      Ru       Ru    Ru       Ru    Ru      -       CRUD
meeting              CRUD         R       R        R     R        R     R       -       CRUD
decision             CRUD         R       R        R     R        R     R       -       CRUD
target               CRUD         R       R        R     R        R     R       -       CRUD
territory            R            R       R        R     R        R     R       -       CRUD
"""

PLAN_OBJECT_MODELS: dict[str, type[models.Model]] = {
    "plan": Plan,
    "axis": Axis,
    "partner": Partner,
    "membership": Membership,
    "action": Action,
    "meeting": Meeting,
    "decision": Decision,
    "target": Target,
    "territory": Territory,
}

# Path from a plan object to its plan, and to the partner that "owns" it (lowercase letters).
_PLAN_PATH = {
    "plan": "pk",
    "axis": "plan",
    "partner": "plan",
    "membership": "partner__plan",
    "action": "plan",
    "meeting": "plan",
    "decision": "meeting__plan",
    "target": "plan",
    "territory": None,
}
_OWNER_PATH = {"partner": "pk", "membership": "partner", "action": "owner"}

# Aggregates (indicators). Person-level kinds are those whose records describe one person; an indicator
# computed from them, or counting persons, is "sensitive". Per role: "exact" (every value), "suppressed"
# (values under the indicator's disclosure threshold print "< n", see copil.access.disclosure) or "hidden".
PERSON_LEVEL_KINDS = frozenset({"care_referral", "conviction", "penal_step"})
# Every kind that may name a person by a pseudonym, person-level or not (an administrative measure targets a person
# but its figures count measures): the data-protection officer's search, export and rectification cover them all.
PSEUDONYMISED_KINDS = PERSON_LEVEL_KINDS | {"administrative_measure"}
DEFAULT_DISCLOSURE_THRESHOLD = 5
AGGREGATE_TABLE = """
role          other  care_referral  care_referral_persons  conviction  penal_step  care_activity_persons
coordinator   exact  exact          exact                  exact       exact       exact
police        exact  suppressed     suppressed             suppressed  suppressed  suppressed
justice       exact  suppressed     suppressed             exact       exact       suppressed
city          exact  suppressed     suppressed             suppressed  suppressed  suppressed
housing       exact  suppressed     suppressed             suppressed  suppressed  suppressed
care          exact  exact          suppressed             suppressed  suppressed  exact
health        exact  suppressed     suppressed             suppressed  suppressed  exact
public        exact  suppressed     suppressed             suppressed  suppressed  suppressed
superuser     exact  exact          exact                  exact       exact       exact
"""
# care_referral_persons: counts of distinct persons referred to care. A care partner sees them only above the
# threshold: otherwise it could enter a referral of a named person and watch whether the plan's count moves,
# learning whether that person is a client of another association (pseudonyms are per plan, see
# copil.access.pseudonyms, so the probe never crosses plans).
# care_activity_persons: the persons counted by harm-reduction and care activity (issue 14, family 6: its active
# file, overdoses handled, people housed), month by month and site by site. Its other figures (passages, equipment
# handed out) are aggregates like any other; these are health data on few people: the care and health partners who
# enter them and the coordinator read them exactly, the others above the threshold.
_AGGREGATE_LEVELS = ("exact", "suppressed", "hidden")


def _parse_table(text: str, kinds: Iterable[str]) -> dict[str, dict[str, frozenset[tuple[str, str]]]]:
    """{role: {kind: {(action, scope)}}} with scope "own" or "plan"; checks every kind and role is there."""
    lines = [line.split() for line in text.strip().splitlines()]
    header, rows = lines[0], lines[1:]
    if header[1:] != [*ROLES, SUPERUSER]:
        raise ValueError(f"policy table columns must be {[*ROLES, SUPERUSER]}, got {header[1:]}")
    table: dict[str, dict[str, frozenset[tuple[str, str]]]] = {role: {} for role in header[1:]}
    for row in rows:
        kind, cells = row[0], row[1:]
        if len(cells) != len(header) - 1:
            raise ValueError(f"policy table: row {kind} has {len(cells)} cells")
        for role, cell in zip(header[1:], cells, strict=True):
            grants = set()
            for letter in "" if cell == "-" else cell:
                if letter.lower() not in LETTERS:
                    raise ValueError(f"policy table: unknown letter {letter!r} in {kind}/{role}")
                grants.add((LETTERS[letter.lower()], "plan" if letter.isupper() else "own"))
            table[role][kind] = frozenset(grants)
    missing = set(kinds) - {row[0] for row in rows}
    if missing:
        raise ValueError(f"policy table: no row for {sorted(missing)}")
    return table


RECORD_POLICY = _parse_table(RECORD_TABLE, RECORD_KINDS)
PLAN_OBJECT_POLICY = _parse_table(PLAN_OBJECT_TABLE, PLAN_OBJECT_MODELS)


def _parse_aggregates(text: str) -> dict[str, dict[str, str]]:
    lines = [line.split() for line in text.strip().splitlines()]
    header, rows = lines[0][1:], lines[1:]
    table = {row[0]: dict(zip(header, row[1:], strict=True)) for row in rows}
    if set(table) != {*ROLES, SUPERUSER} or any(v not in _AGGREGATE_LEVELS for r in table.values() for v in r.values()):
        raise ValueError("aggregate table: one row per role, cells among exact, suppressed, hidden")
    return table


AGGREGATE_POLICY = _parse_aggregates(AGGREGATE_TABLE)

# Two-factor sign-in per role (copil.access.twofactor): "required" for whoever may read person-level lines and for
# the deployment's administrators, "optional" for the others. A plan's `require_second_factor` makes it required
# for all its members; a ProConnect sign-in counts as both factors.
SECOND_FACTOR_TABLE = """
role          second_factor
coordinator   required
police        optional
justice       required
city          optional
housing       optional
care          required
health        optional
public        optional
superuser     required
"""


def _parse_second_factor(text: str) -> dict[str, bool]:
    rows = [line.split() for line in text.strip().splitlines()[1:]]
    table = {role: cell == "required" for role, cell in rows}
    if set(table) != {*ROLES, SUPERUSER} or any(cell not in {"required", "optional"} for _role, cell in rows):
        raise ValueError("second factor table: one row per role, cells among required, optional")
    readers = {
        role
        for role in table
        if any(act == "read" for kind in PERSON_LEVEL_KINDS for act, _scope in RECORD_POLICY[role][kind])
    }
    if not all(table[role] for role in readers):
        raise ValueError(f"second factor table: roles reading person-level lines must be required: {sorted(readers)}")
    return table


SECOND_FACTOR_POLICY = _parse_second_factor(SECOND_FACTOR_TABLE)


# --- Who the user is ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Seat:
    """One active membership: the user acts for `partner_id` in `plan_id` with `role`."""

    partner_id: int
    plan_id: int
    role: str


def _is_authenticated(user: Actor) -> TypeIs[User]:
    return bool(user is not None and getattr(user, "is_authenticated", False) and getattr(user, "is_active", False))


def _is_superuser(user: Actor) -> bool:
    return _is_authenticated(user) and bool(getattr(user, "is_superuser", False))


def seats(user: Actor) -> tuple[Seat, ...]:
    """The user's active memberships (cached on the user object for the request)."""
    if not _is_authenticated(user):
        return ()
    cached = getattr(user, "_copil_seats", None)
    if cached is None:
        cached = tuple(
            Seat(partner_id, plan_id, role)
            for partner_id, plan_id, role in Membership.objects.filter(user=user, deactivated_at__isnull=True)
            .values_list("partner_id", "partner__plan_id", "partner__role")
            .order_by("partner_id")
        )
        user._copil_seats = cached  # type: ignore[attr-defined]  # a per-request cache on the user object
    return cached


def forget(user: Actor) -> None:
    """Drop the cached memberships of a user object (after its memberships changed)."""
    if user is not None and hasattr(user, "_copil_seats"):
        del user._copil_seats


def user_partners(user: Actor, plan: Plan | int | None = None) -> QuerySet[Partner]:
    """The partners the user actively acts for (in one plan if given)."""
    ids = [s.partner_id for s in seats(user) if plan is None or s.plan_id == _pk(plan)]
    return Partner.objects.filter(pk__in=ids)


def user_roles(user: Actor, plan: Plan | int) -> set[str]:
    """Every role the user holds in the plan ("public" for visitors and non-members)."""
    roles = {s.role for s in seats(user) if s.plan_id == _pk(plan)}
    return roles or {PUBLIC}


_ROLE_PRIORITY = (COORDINATOR, "police", "justice", "city", "housing", "care", "health", PUBLIC)


def user_role(user: Actor, plan: Plan | int) -> str:
    """The user's main role in the plan: the first of coordinator, police, justice, city, housing, care,
    health it holds, else "public" (visitors, non-members). Access checks use every role (`user_roles`)."""
    roles = user_roles(user, plan)
    return next(role for role in _ROLE_PRIORITY if role in roles)


def second_factor_required(user: Actor, *, plan_requires: bool | None = None) -> bool:
    """Whether the account must sign in with a second factor: a superuser; a staff account acting for no partner
    (an administrator); a member holding a role marked "required" in SECOND_FACTOR_TABLE, or a member of a plan
    that requires it of everyone. (Members of recording partners are staff for the admin's entry forms: their
    role decides, not that flag.) `plan_requires`: whether one of the user's plans requires it, when the caller
    already knows."""
    if not _is_authenticated(user):
        return False
    if _is_superuser(user):
        return SECOND_FACTOR_POLICY[SUPERUSER]
    member_seats = seats(user)
    if not member_seats:
        return bool(getattr(user, "is_staff", False))
    if any(SECOND_FACTOR_POLICY[seat.role] for seat in member_seats):
        return True
    if plan_requires is not None:
        return plan_requires
    return Plan.objects.filter(pk__in={seat.plan_id for seat in member_seats}, require_second_factor=True).exists()


def is_plan_coordinator(user: Actor, plan: Plan | int) -> bool:
    """Whether the user may manage the plan's members and read its audit trail."""
    return _is_superuser(user) or COORDINATOR in {s.role for s in seats(user) if s.plan_id == _pk(plan)}


def may_follow_up_alert(user: Actor, plan: Plan | int, responders: set[int]) -> bool:
    """Whether the user may acknowledge, assign or close an alert of the plan: its coordinators, and the members
    of the partners that respond to it (`responders`: those the plan's settings name, and the one assigned)."""
    return is_plan_coordinator(user, plan) or any(
        s.plan_id == _pk(plan) and s.partner_id in responders for s in seats(user)
    )


def coordinated_plans(user: Actor) -> QuerySet[Plan]:
    """The plans whose members and audit trail the user manages."""
    if _is_superuser(user):
        return Plan.objects.all()
    return Plan.objects.filter(pk__in={s.plan_id for s in seats(user) if s.role == COORDINATOR})


def visible_plans(user: Actor) -> QuerySet[Plan]:
    """The plans the user is a member of (every plan for superusers)."""
    if _is_superuser(user):
        return Plan.objects.all()
    return Plan.objects.filter(pk__in={s.plan_id for s in seats(user) if s.role != PUBLIC})


def delegator(user: Any) -> Any:
    """The person who delegated their access to `user` (an API token's creator), or None.

    A delegated principal may do only what both it (its partner's seat) and its delegator may do: a token never
    gives its creator more than the creator may do.
    """
    return getattr(user, "_copil_delegated_by", None)


def _pk(value: Any) -> Any:
    return value.pk if isinstance(value, models.Model) else value


def care_membership_refusal(actor: Any, partner: Partner, user: Any) -> str | None:
    """Why `actor` may not make `user` a member of `partner`, a care partner (None if they may, or if the
    partner is not one): a membership never gives its creator more than the creator may do, so nobody joins
    a care partner by their own hand, and nobody holding another role on the plan joins one.
    """
    if partner.role != Partner.Role.CARE or user is None or user.pk is None:
        return None
    active = Membership.objects.filter(user=user, partner__plan_id=partner.plan_id, deactivated_at__isnull=True)
    if actor is not None and getattr(actor, "pk", None) == user.pk and not active.filter(partner=partner).exists():
        return _("You cannot make yourself a member of a care partner: another member of the plan must invite you.")
    if active.exclude(partner__role=Partner.Role.CARE).exists():
        return _(
            "This person holds another role in the plan; a member of a care partner may hold no other role in "
            "the same plan (referrals to care are health data)."
        )
    return None


# --- Records -----------------------------------------------------------------------------------------------------


def _check_action(action: str) -> None:
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r} (one of {ACTIONS})")


def _record_grants(role: str, kind: str, action: str) -> set[str]:
    return {scope for act, scope in RECORD_POLICY[role][kind] if act == action}


def can(
    user: Actor,
    action: str,
    kind: str,
    partner: Partner | None = None,
    *,
    plan: Plan | int | None = None,
    obj: models.Model | None = None,
) -> bool:
    """Whether the user may `action` ("create", "read", "update", "delete") an object of `kind`.

    Record kinds: `partner` is the partner the record belongs (or would belong) to; without it, the answer is
    whether the user may do it for at least one partner (of `plan` if given) — enough to show a button.
    Plan objects ("plan", "axis", "partner", "membership", "action", "meeting", "decision", "territory"):
    pass the object (`obj`) or, to create, its `plan`.
    """
    _check_action(action)
    if kind in RECORD_KINDS:
        if isinstance(obj, Record) and partner is None:
            partner = obj.partner
        return _can_record(user, action, kind, partner, plan)
    if kind in PLAN_OBJECT_MODELS:
        return _can_plan_object(user, action, kind, obj, plan)
    raise ValueError(f"unknown kind {kind!r}")


def _can_record(user: Actor, action: str, kind: str, partner: Partner | None, plan: Plan | int | None) -> bool:
    if not _is_authenticated(user):
        return False
    if delegator(user) is not None and not _can_record(delegator(user), action, kind, partner, plan):
        return False
    plan_id = partner.plan_id if partner is not None else _pk(plan)
    if _is_superuser(user) and "plan" in _record_grants(SUPERUSER, kind, action):
        return True
    for seat in seats(user):
        if plan_id is not None and seat.plan_id != plan_id:
            continue
        scopes = _record_grants(seat.role, kind, action)
        if "plan" in scopes:
            return True
        if "own" in scopes and (partner is None or partner.pk == seat.partner_id):
            return True
    return False


def require(
    user: Actor,
    action: str,
    kind: str,
    partner: Partner | None = None,
    *,
    plan: Plan | int | None = None,
    obj: models.Model | None = None,
) -> None:
    """`can`, or PermissionDenied with a French message naming what was refused."""
    if not can(user, action, kind, partner, plan=plan, obj=obj):
        raise PermissionDenied(denial_message(action, kind))


def denial_message(action: str, kind: str) -> str:
    model = RECORD_KINDS.get(kind) or PLAN_OBJECT_MODELS.get(kind)
    what = str(model._meta.verbose_name_plural) if model else kind
    messages = {
        "create": _("You are not allowed to create {what}."),
        "read": _("You are not allowed to see these {what}."),
        "update": _("You are not allowed to change these {what}."),
        "delete": _("You are not allowed to delete these {what}."),
    }
    return messages[action].format(what=what)


def visible_records(user: Actor, kind: str, plan: Plan | int | None = None) -> QuerySet:
    """The records of `kind` the user may read (of one plan if given): the ONLY way channels list records.

    Visitors and deactivated users get an empty queryset.
    """
    return _records_for(user, "read", kind, plan)


def writable_records(user: Actor, kind: str, action: str, plan: Plan | int | None = None) -> QuerySet:
    """The records of `kind` the user may update or delete (`action`), for bulk operations and forms."""
    if action not in {"update", "delete"}:
        raise ValueError("action must be update or delete")
    return _records_for(user, action, kind, plan)


def _records_for(user: Actor, action: str, kind: str, plan: Plan | int | None) -> QuerySet:
    model = RECORD_KINDS[kind]
    queryset = model._default_manager.all()
    if plan is not None:
        queryset = queryset.filter(plan_id=_pk(plan))
    if not _is_authenticated(user):
        return queryset.none()
    for principal in (user, delegator(user)):
        if principal is not None:
            queryset = queryset.filter(_record_condition(principal, action, kind))
    return queryset


def _record_condition(user: Any, action: str, kind: str) -> Q:
    """The records of `kind` the user may `action`, as a filter on the record table."""
    if not _is_authenticated(user):
        return Q(pk__in=[])
    if _is_superuser(user) and "plan" in _record_grants(SUPERUSER, kind, action):
        return Q()
    condition = Q(pk__in=[])
    for seat in seats(user):
        scopes = _record_grants(seat.role, kind, action)
        if "plan" in scopes:
            condition |= Q(plan_id=seat.plan_id)
        elif "own" in scopes:
            condition |= Q(plan_id=seat.plan_id, partner_id=seat.partner_id)
    return condition


def creatable_partners(user: Actor, kind: str, plan: Plan | int | None = None) -> QuerySet[Partner]:
    """The partners the user may create a record of `kind` for (form choices, API validation)."""
    partners = Partner.objects.all()
    if plan is not None:
        partners = partners.filter(plan_id=_pk(plan))
    if not _is_authenticated(user):
        return partners.none()
    for principal in (user, delegator(user)):
        if principal is not None:
            partners = partners.filter(_creatable_partner_condition(principal, kind))
    return partners


def _creatable_partner_condition(user: Any, kind: str) -> Q:
    if _is_superuser(user) and "plan" in _record_grants(SUPERUSER, kind, "create"):
        return Q()
    condition = Q(pk__in=[])
    for seat in seats(user):
        scopes = _record_grants(seat.role, kind, "create")
        if "plan" in scopes:
            condition |= Q(plan_id=seat.plan_id)
        elif "own" in scopes:
            condition |= Q(pk=seat.partner_id)
    return condition


# --- Plan objects ------------------------------------------------------------------------------------------------


def _plan_object_grants(role: str, kind: str, action: str) -> set[str]:
    return {scope for act, scope in PLAN_OBJECT_POLICY[role][kind] if act == action}


def _plan_id_of(kind: str, obj: models.Model) -> int | None:
    path = _PLAN_PATH[kind]
    if path is None:
        return None
    if path == "pk":
        return obj.pk
    value: Any = obj
    for step in path.split("__"):
        value = getattr(value, step, None)
        if value is None:
            return None
    return value.pk


def _owner_id_of(kind: str, obj: models.Model) -> int | None:
    path = _OWNER_PATH.get(kind)
    if path is None:
        return None
    if path == "pk":
        return obj.pk
    return getattr(obj, f"{path}_id", None)


def _can_plan_object(user: Actor, action: str, kind: str, obj: models.Model | None, plan: Plan | int | None) -> bool:
    if not _is_authenticated(user):
        return False
    if delegator(user) is not None and not _can_plan_object(delegator(user), action, kind, obj, plan):
        return False
    if _is_superuser(user) and _plan_object_grants(SUPERUSER, kind, action):
        return True
    plan_id = _plan_id_of(kind, obj) if obj is not None else _pk(plan)
    owner_id = _owner_id_of(kind, obj) if obj is not None else None
    for seat in seats(user):
        if _PLAN_PATH[kind] is not None and plan_id is not None and seat.plan_id != plan_id:
            continue
        scopes = _plan_object_grants(seat.role, kind, action)
        if "plan" in scopes:
            return True
        if "own" in scopes and (obj is None or owner_id == seat.partner_id):
            return True
    return False


def _plan_ids_where(user: Actor, action: str, kind: str) -> set[int] | None:
    """Ids of the plans where the user may `action` some object of `kind`; None for every plan."""
    _check_action(action)
    policy_table = RECORD_POLICY if kind in RECORD_KINDS else PLAN_OBJECT_POLICY
    if not _is_authenticated(user):
        return set()
    if delegator(user) is not None:
        theirs = _plan_ids_where(delegator(user), action, kind)
        mine = _plan_ids_where(_undelegated(user), action, kind)
        return mine if theirs is None else theirs if mine is None else mine & theirs
    if _is_superuser(user) and any(act == action for act, _scope in policy_table[SUPERUSER][kind]):
        return None
    return {s.plan_id for s in seats(user) if any(act == action for act, _scope in policy_table[s.role][kind])}


def _undelegated(user: Actor) -> Actor:
    """A copy of a delegated principal without its delegator (its own seats only)."""
    import copy

    principal = copy.copy(user)
    setattr(principal, "_copil_delegated_by", None)  # noqa: B010 - a marker the type of a user does not declare
    return principal


def plans_where(user: Actor, action: str, kind: str) -> QuerySet[Plan]:
    """The plans in which the user may `action` some object of `kind` (record kind or plan object)."""
    ids = _plan_ids_where(user, action, kind)
    return Plan.objects.all() if ids is None else Plan.objects.filter(pk__in=ids)


def may_somewhere(user: Actor, action: str, kind: str) -> bool:
    """Whether the user may `action` some object of `kind` in some plan (no query beyond the memberships):
    enough to show a menu entry or a button."""
    ids = _plan_ids_where(user, action, kind)
    return ids is None or bool(ids)


def visible_plan_objects(user: Actor, kind: str, plan: Plan | int | None = None) -> QuerySet:
    """The plan objects of `kind` the user may read (of one plan if given)."""
    model = PLAN_OBJECT_MODELS[kind]
    queryset = model._default_manager.all()
    path = _PLAN_PATH[kind]
    if plan is not None and path is not None:
        queryset = queryset.filter(**{path: _pk(plan)})
    if not _is_authenticated(user):
        return queryset.none()
    if delegator(user) is not None:
        theirs = visible_plan_objects(delegator(user), kind, plan)
        return visible_plan_objects(_undelegated(user), kind, plan).filter(pk__in=theirs.values("pk"))
    if _is_superuser(user) and _plan_object_grants(SUPERUSER, kind, "read"):
        return queryset
    condition = Q(pk__in=[])
    for seat in seats(user):
        scopes = _plan_object_grants(seat.role, kind, "read")
        if path is None:
            if scopes:
                return queryset
            continue
        if "plan" in scopes:
            condition |= Q(**{path: seat.plan_id})
        elif "own" in scopes and kind in _OWNER_PATH:
            condition |= Q(**{path: seat.plan_id, _OWNER_PATH[kind]: seat.partner_id})
    return queryset.filter(condition)


# --- Aggregates --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AggregateRule:
    """What a user may see of one indicator: `visible`, and when `suppress`, values under `threshold` are
    published as "< threshold" with secondary suppression (copil.access.disclosure)."""

    visible: bool
    suppress: bool
    threshold: int

    @property
    def exact(self) -> bool:
        return self.visible and not self.suppress


def is_sensitive(definition: Any) -> bool:
    """An indicator counts persons or is computed from person-level records."""
    return bool(getattr(definition, "person_count", False)) or definition.source in PERSON_LEVEL_KINDS


def disclosure_threshold(definition: Any) -> int:
    return getattr(definition, "disclosure_threshold", None) or DEFAULT_DISCLOSURE_THRESHOLD


def aggregate_rule(user: Actor, indicator_definition: Any, *, plan: Plan | int | None = None) -> AggregateRule:
    """Whether the user may see the indicator (a catalogue `IndicatorDefinition`) and whether small counts
    are suppressed for them.

    With `plan`, the user's roles in that plan decide (the most favourable one wins: a user holding two roles
    holds both rights); without it, every plan the user belongs to counts (public if none).
    Indicators neither counting persons nor computed from person-level records are never suppressed.
    """
    definition = indicator_definition
    if delegator(user) is not None:
        mine = aggregate_rule(_undelegated(user), definition, plan=plan)
        theirs = aggregate_rule(delegator(user), definition, plan=plan)
        return AggregateRule(
            visible=mine.visible and theirs.visible, suppress=mine.suppress or theirs.suppress, threshold=mine.threshold
        )
    column = definition.source if definition.source in PERSON_LEVEL_KINDS else "other"
    if column == "care_referral" and getattr(definition, "person_count", False):
        column = "care_referral_persons"
    if definition.source == "care_activity" and getattr(definition, "person_count", False):
        column = "care_activity_persons"
    if plan is not None:
        roles = user_roles(user, plan)
    else:
        roles = {s.role for s in seats(user)} or {PUBLIC}
    if _is_superuser(user):
        roles = roles | {SUPERUSER}
    levels = {AGGREGATE_POLICY[role][column] for role in roles}
    if not is_sensitive(definition) and "hidden" not in levels:
        levels = {"exact"}
    threshold = disclosure_threshold(definition)
    if "exact" in levels:
        return AggregateRule(visible=True, suppress=False, threshold=threshold)
    if "suppressed" in levels:
        return AggregateRule(visible=True, suppress=True, threshold=threshold)
    return AggregateRule(visible=False, suppress=True, threshold=threshold)


def suppressed_indicators(user: Actor, plan: Plan | int, definitions: Iterable[Any]) -> frozenset[str]:
    """The codes of the indicators whose small counts are hidden from the user in the plan ("< 5"): a police
    officer reads the plan's figures exactly but referrals to care only above the threshold."""
    return frozenset(d.code for d in definitions if not aggregate_rule(user, d, plan=plan).exact)
