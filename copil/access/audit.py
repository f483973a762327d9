"""The audit trail: every create, update, delete, import, export, bilan, login and failed login, with who,
when, what and the values before and after.

Two ways in, one table (`AuditEvent`, append-only):

- explicit calls: `record_event` (one event) and `record_bulk_changes` (the importer's bulk writes, which
  bypass model signals); `copil.records.actions` calls them for every record mutation;
- automatic capture: django-auditlog watches ORM and admin saves of the record kinds, the plan models and
  users, and each of its log entries is copied into `AuditEvent` (`_copy_log_entry`). Code that writes its
  own event (record actions, account services) runs under `auditlog_disabled()` to avoid a duplicate.

`actor=None` means the system: a command-line run (`copil import`, `copil bilan`) or a background task.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import decimal
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from auditlog.context import disable_auditlog
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.db import models
from django.db.models.expressions import Combinable
from django.db.models.signals import post_save
from django.http import HttpRequest

from copil.access.actors import Actor

from .models import AuditEvent

Action = AuditEvent.Action
SYSTEM_LABEL = AuditEvent.SYSTEM
ANONYMOUS_LABEL = "anonyme"
BULK_BATCH_SIZE = 1000
# Never copied into the trail, whatever the model.
SECRET_FIELDS = frozenset({"password", "last_login"})


@dataclass(frozen=True)
class _RequestContext:
    channel: str
    ip: str | None


_request: ContextVar[_RequestContext | None] = ContextVar("copil_audit_request", default=None)


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address as the server saw it (REMOTE_ADDR; set it from the proxy header in the server)."""
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def channel_of(request: HttpRequest) -> str:
    """`admin`, `api` or `web`, from the path of the request."""
    path = request.path_info
    if path.startswith("/admin/"):
        return "admin"
    if path.startswith("/api/"):
        return "api"
    return "web"


@contextlib.contextmanager
def request_context(request: HttpRequest) -> Iterator[None]:
    """Within a request, events are stamped with its channel and client address (see the middleware)."""
    token = _request.set(_RequestContext(channel_of(request), client_ip(request)))
    try:
        yield
    finally:
        _request.reset(token)


@contextlib.contextmanager
def auditlog_disabled() -> Iterator[None]:
    """Suspend django-auditlog's automatic capture while the caller records its own, richer event."""
    with disable_auditlog():
        yield


def json_value(value: Any) -> Any:
    """A field value as JSON can hold it: dates in ISO 8601, decimals as strings (no float rounding)."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, list | tuple | set | frozenset):
        return [json_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): json_value(v) for k, v in value.items()}
    if isinstance(value, models.Model):
        return value.pk
    return str(value)


def snapshot(obj: models.Model | Mapping[str, Any] | None, *, include_m2m: bool = True) -> dict[str, Any] | None:
    """The state of an object for the trail: every concrete field (by attname) and, once saved, its
    many-to-many links as sorted primary keys. A mapping is taken as an already made snapshot.

    Expressions (e.g. `F("version") + 1` in a bulk update) are left out: they are not values yet.
    """
    if obj is None:
        return None
    if isinstance(obj, Mapping):
        return {str(k): json_value(v) for k, v in obj.items() if k not in SECRET_FIELDS}
    state: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if field.name in SECRET_FIELDS:
            continue
        value = getattr(obj, field.attname, None)
        if isinstance(value, Combinable):
            continue
        state[field.attname] = json_value(value)
    if include_m2m and obj.pk is not None and not obj._state.adding:
        for field in obj._meta.many_to_many:
            state[field.name] = sorted(getattr(obj, field.name).values_list("pk", flat=True))
    return state


def object_type(model: type[models.Model] | models.Model) -> str:
    """`records.seizure`, `plans.meeting`…: the app label and model name."""
    return model._meta.label_lower


def plan_and_partner_ids(obj: models.Model) -> tuple[int | None, int | None]:
    """The plan and partner an object belongs to, for filtering the trail by plan."""
    from copil.plans.models import Decision, Membership, Partner, Plan

    if isinstance(obj, Plan):
        return obj.pk, None
    if isinstance(obj, Partner):
        return obj.plan_id, obj.pk
    if isinstance(obj, Membership):
        plan_id = Partner.objects.filter(pk=obj.partner_id).values_list("plan_id", flat=True).first()
        return plan_id, obj.partner_id
    if isinstance(obj, Decision):
        from copil.plans.models import Meeting

        return Meeting.objects.filter(pk=obj.meeting_id).values_list("plan_id", flat=True).first(), None
    return getattr(obj, "plan_id", None), getattr(obj, "partner_id", None)


def _actor_fields(actor: Actor) -> dict[str, Any]:
    if actor is None:
        return {"actor": None, "actor_label": SYSTEM_LABEL}
    if isinstance(actor, AnonymousUser) or not getattr(actor, "is_authenticated", False):
        return {"actor": None, "actor_label": ANONYMOUS_LABEL}
    return {"actor": actor, "actor_label": actor.get_username()}


def _id(value: Any) -> int | None:
    return value.pk if isinstance(value, models.Model) else value


def record_event(
    actor: Actor,
    action: str,
    *,
    plan: Any = None,
    partner: Any = None,
    obj: models.Model | None = None,
    before: models.Model | Mapping[str, Any] | None = None,
    after: models.Model | Mapping[str, Any] | None = None,
    details: Mapping[str, Any] | None = None,
    channel: str | None = None,
    actor_label: str | None = None,
    ip: str | None = None,
) -> AuditEvent:
    """Append one event to the trail and return it.

    actor: the user, None for the system (CLI, tasks), an anonymous user for a visitor.
    action: one of `AuditEvent.Action` (create, update, delete, import, export, bilan, login, login_failed…).
    plan, partner: instances or primary keys; taken from `obj` when not given.
    before, after: model instances (snapshotted) or ready snapshots (mappings).
    channel: `web`, `admin`, `api`, `cli`, `system`…; defaults to the current request's, else `system`.
    actor_label: overrides the name recorded (a failed login records the username tried).
    """
    context = _request.get()
    fields = _actor_fields(actor)
    if actor_label is not None:
        fields["actor_label"] = actor_label[:254]
    plan_id, partner_id = _id(plan), _id(partner)
    if obj is not None and (plan_id is None or partner_id is None):
        obj_plan, obj_partner = plan_and_partner_ids(obj)
        plan_id = plan_id if plan_id is not None else obj_plan
        partner_id = partner_id if partner_id is not None else obj_partner
    return AuditEvent.objects.create(
        action=action,
        channel=channel or (context.channel if context else "system"),
        plan_id=plan_id,
        partner_id=partner_id,
        object_type=object_type(obj) if obj is not None else "",
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        object_repr=str(obj)[:300] if obj is not None else "",
        before=snapshot(before),
        after=snapshot(after),
        details=json_value(dict(details or {})),
        ip=ip if ip is not None else (context.ip if context else None),
        **fields,
    )


PERSON_LEVEL_KINDS = frozenset({"care_referral", "conviction"})


def record_read(
    actor: Any,
    kind: str,
    *,
    rows: int,
    filters: Mapping[str, Any] | None = None,
    plan: Any = None,
    obj: models.Model | None = None,
) -> AuditEvent | None:
    """One entry for one read of person-level records (referrals, convictions): a list page or an API page of
    500 rows costs one entry naming the reader, the channel, the filter and the number of rows; a detail names
    its record. Reads of other kinds are not recorded (None)."""
    if kind not in PERSON_LEVEL_KINDS:
        return None
    details = {"kind": kind, "rows": rows, "filters": dict(filters or {})}
    return record_event(actor, AuditEvent.Action.READ, plan=plan, obj=obj, details=details)


def record_bulk_changes(
    actor: Actor,
    model: type[models.Model],
    created: Iterable[models.Model | Mapping[str, Any]] = (),
    updated: Iterable[tuple[models.Model | Mapping[str, Any], models.Model | Mapping[str, Any]]] = (),
    deleted: Iterable[models.Model | Mapping[str, Any]] = (),
    *,
    plan: Any = None,
    partner: Any = None,
    action: str = Action.IMPORT,
    details: Mapping[str, Any] | None = None,
    channel: str | None = None,
) -> AuditEvent:
    """Record a bulk write (`bulk_create`/`bulk_update`/queryset delete bypass model signals).

    Writes one summary event (`action`, default `import`, with the counts and `details`, e.g. the file name),
    then one `create`/`update`/`delete` event per object, linked to the summary by `details["batch"]`.

    created: the new objects (saved, so they have a primary key) or their snapshots;
    updated: (before, after) pairs, instances or snapshots; an instance holding expressions
             (`version=F("version") + 1`) has those fields left out;
    deleted: the objects as they were before deletion.
    Call it inside the same transaction as the write, so the trail and the data commit together.
    Returns the summary event.
    """
    created, updated, deleted = list(created), list(updated), list(deleted)
    summary = record_event(
        actor,
        action,
        plan=plan,
        partner=partner,
        details={
            "model": object_type(model),
            "created": len(created),
            "updated": len(updated),
            "deleted": len(deleted),
            **(details or {}),
        },
        channel=channel,
    )
    common = {
        "at": summary.at,
        "actor_id": summary.actor_id,
        "actor_label": summary.actor_label,
        "channel": summary.channel,
        "plan_id": summary.plan_id,
        "partner_id": summary.partner_id,
        "ip": summary.ip,
        "object_type": object_type(model),
        "details": {"batch": summary.pk},
    }
    verbose = str(model._meta.verbose_name)

    def event(kind: str, before: Any, after: Any) -> AuditEvent:
        state = snapshot(after if after is not None else before, include_m2m=False) or {}
        pk = state.get("id") if state.get("id") is not None else state.get("pk")
        label = state.get("external_id") or pk or ""
        return AuditEvent(
            action=kind,
            object_id="" if pk is None else str(pk),
            object_repr=f"{verbose} {label}"[:300],
            before=snapshot(before, include_m2m=False),
            after=snapshot(after, include_m2m=False),
            **common,
        )

    events = [event(Action.CREATE, None, obj) for obj in created]
    events += [event(Action.UPDATE, before, after) for before, after in updated]
    events += [event(Action.DELETE, obj, None) for obj in deleted]
    AuditEvent.objects.bulk_create(events, batch_size=BULK_BATCH_SIZE)
    return summary


# --- django-auditlog: automatic capture of ORM and admin saves ---------------------------------------------------

_LOG_ACTIONS = {0: Action.CREATE, 1: Action.UPDATE, 2: Action.DELETE}


def audited_models() -> list[type[models.Model]]:
    """The models whose every ORM save and delete is captured: record kinds, plan models, users and who observes
    which territory."""
    from copil.access.models import TerritoryObserver
    from copil.plans.models import Action as PlanAction
    from copil.plans.models import Axis, Decision, Meeting, Membership, Partner, Plan, Target, Territory
    from copil.records.models import RECORD_KINDS

    return [
        *RECORD_KINDS.values(),
        Territory,
        Plan,
        Axis,
        Partner,
        Membership,
        PlanAction,
        Meeting,
        Decision,
        Target,
        TerritoryObserver,
    ]


def register_models() -> None:
    """Register the audited models with django-auditlog and copy each of its entries into the trail."""
    from auditlog.models import LogEntry
    from auditlog.registry import auditlog

    for model in audited_models():
        if not auditlog.contains(model):
            m2m = {f.name for f in model._meta.many_to_many}
            auditlog.register(model, m2m_fields=m2m, serialize_data=True)
    user_model = get_user_model()
    if not auditlog.contains(user_model):
        auditlog.register(
            user_model,
            exclude_fields=sorted(SECRET_FIELDS),
            serialize_data=True,
            serialize_auditlog_fields_only=True,
        )
    post_save.connect(_copy_log_entry, sender=LogEntry, dispatch_uid="copil_access_copy_log_entry")


def _copy_log_entry(sender: type[models.Model], instance: Any, created: bool, **kwargs: Any) -> None:
    """Copy a django-auditlog entry into the trail, with the plan and partner of the object it is about."""
    if not created or instance.action not in _LOG_ACTIONS:
        return
    action = _LOG_ACTIONS[instance.action]
    model = instance.content_type.model_class()
    fields = dict((instance.serialized_data or {}).get("fields") or {})
    changes = instance.changes if isinstance(instance.changes, dict) else {}
    for secret in SECRET_FIELDS:
        fields.pop(secret, None)
        changes.pop(secret, None)
    plan_id, partner_id = _plan_and_partner_from_fields(model, instance.object_pk, fields)
    if action == Action.CREATE:
        before, after = None, {"id": _int_or_str(instance.object_pk), **fields}
    elif action == Action.DELETE:
        before, after = {"id": _int_or_str(instance.object_pk), **fields}, None
    else:
        before = {name: _old_new(change)[0] for name, change in changes.items()}
        after = {name: _old_new(change)[1] for name, change in changes.items()}
    context = _request.get()
    AuditEvent.objects.create(
        at=instance.timestamp,
        action=action,
        actor_id=instance.actor_id,
        actor_label=_label_of(instance.actor) if instance.actor_id else SYSTEM_LABEL,
        channel=context.channel if context else "system",
        plan_id=plan_id,
        partner_id=partner_id,
        object_type=object_type(model) if model else instance.content_type.model,
        object_id=str(instance.object_pk),
        object_repr=(instance.object_repr or "")[:300],
        before=json_value(before),
        after=json_value(after),
        details={"source": "auditlog", "log_entry": instance.pk},
        ip=instance.remote_addr or (context.ip if context else None),
    )


def _label_of(user: Actor) -> str:
    return user.get_username() if user is not None else SYSTEM_LABEL


def _int_or_str(value: str) -> int | str:
    return int(value) if str(value).isdigit() else value


def _old_new(change: Any) -> tuple[Any, Any]:
    if isinstance(change, list | tuple) and len(change) == 2:
        return change[0], change[1]
    return None, change  # many-to-many changes: {"type": "m2m", "operation": …, "objects": […]}


def _plan_and_partner_from_fields(
    model: type[models.Model] | None, object_pk: str, fields: dict[str, Any]
) -> tuple[int | None, int | None]:
    from copil.plans.models import Decision, Meeting, Membership, Partner, Plan

    if model is Plan:
        return _int_or_none(object_pk), None
    if model is Partner:
        return _int_or_none(fields.get("plan")), _int_or_none(object_pk)
    if model is Membership:
        partner_id = _int_or_none(fields.get("partner"))
        if partner_id is None:
            return None, None
        plan_id = Partner.objects.filter(pk=partner_id).values_list("plan_id", flat=True).first()
        return plan_id, partner_id
    if model is Decision:
        meeting_id = _int_or_none(fields.get("meeting"))
        if meeting_id is None:
            return None, None
        return Meeting.objects.filter(pk=meeting_id).values_list("plan_id", flat=True).first(), None
    return _int_or_none(fields.get("plan")), _int_or_none(fields.get("partner"))


def _int_or_none(value: Any) -> int | None:
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def events_for(obj: models.Model) -> Sequence[AuditEvent]:
    """The changes of one object, oldest first (for tests and the object history pages; reads are left out)."""
    events = AuditEvent.objects.filter(object_type=object_type(obj), object_id=str(obj.pk))
    return list(events.exclude(action=AuditEvent.Action.READ).order_by("at", "pk"))
