"""Every change to a record goes through this module: the access check and the audit entry cannot be skipped.

`create_record`, `update_record` and `delete_record` check the policy (`copil.access.policy.require`), write,
and append the audit event in the same transaction. Updates use optimistic concurrency: the caller says which
version it edited (`expected_version`, the version it showed the user); the write is a conditional
`UPDATE … WHERE version = expected`, so of two concurrent edits of the same version exactly one wins and the
other gets `StaleRecord` with a French message — nothing is silently lost.

`actor=None` is the system (command line, background task): no policy check, recorded as "système".
The bulk import keeps its own fast path and reports its writes with `copil.access.audit.record_bulk_changes`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.db.models.fields.reverse_related import ForeignObjectRel
from django.utils import timezone
from django.utils.translation import gettext as _

from copil.access import policy
from copil.access.actors import Actor
from copil.access.audit import auditlog_disabled, record_event, snapshot
from copil.access.models import AuditEvent
from copil.access.pseudonyms import is_pseudonym
from copil.formats.references import referable_records
from copil.plans.models import Partner, Plan

from .models import RECORD_KINDS, Record

# Set by the actions themselves, never from `data`.
PROTECTED_FIELDS = frozenset(
    {"id", "pk", "plan", "plan_id", "partner", "partner_id", "version", "created_at", "updated_at"}
)


class StaleRecord(Exception):
    """The record changed (or was deleted) since the caller read it; reload it and redo the change."""

    def __init__(self, record: Record, expected_version: int, current_version: int | None):
        self.record = record
        self.expected_version = expected_version
        self.current_version = current_version
        if current_version is None:
            message = _("This record was deleted by someone else in the meantime; your change was not saved.")
        else:
            message = _(
                "Conflict: someone else changed this record in the meantime (version {current}, you edited "
                "version {expected}). Your change was not saved: reload the record, check the other change "
                "and apply yours again."
            ).format(current=current_version, expected=expected_version)
        super().__init__(message)


def kind_of(record: Record | type[Record]) -> str:
    """The record kind (`seizure`, `care_referral`…) of a record or record model."""
    model = record if isinstance(record, type) else type(record)
    for kind, candidate in RECORD_KINDS.items():
        if candidate is model:
            return kind
    raise ValueError(f"{model.__name__} is not a record kind")


def _field(model: type[Record], name: str) -> models.Field[Any, Any] | ForeignObjectRel | None:
    """The field called `name`, or whose attname it is (`deal_point_id`)."""
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        pass
    for field in model._meta.concrete_fields:
        if field.attname == name:
            return field
    return None


def _split(model: type[Record], data: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Field values and many-to-many values of `data`; unknown or protected names are refused."""
    values, m2m = {}, {}
    for name, value in data.items():
        if name in PROTECTED_FIELDS:
            raise ValidationError({name: _("This field cannot be set here.")})
        field = _field(model, name)
        if field is None:
            raise ValidationError({name: _("Unknown field.")})
        if field.many_to_many:
            m2m[field.name] = list(value or [])
        elif not field.concrete or field.auto_created or not field.editable:
            raise ValidationError({name: _("This field cannot be set here.")})
        else:
            values[name] = value
    return values, m2m


def _check_references(actor: Actor, record: Record, m2m: Mapping[str, list[Any]]) -> None:
    """Linked records must be ones the actor may link to (`copil.formats.referable_records`, the rule of every
    channel), linked partners partners of the record's plan."""
    errors: dict[str, str] = {}
    for field in record._meta.concrete_fields:
        if not field.is_relation or field.name in {"plan", "partner"}:
            continue
        target_id = getattr(record, field.attname)
        if target_id is None:
            continue
        target_kind = next((k for k, m in RECORD_KINDS.items() if m is field.related_model), None)
        if target_kind is None:
            continue
        if not referable_records(actor, target_kind, record.plan_id).filter(pk=target_id).exists():
            errors[field.name] = _("Unknown record, or one of another plan.")
    for name, values in m2m.items():
        ids = [v.pk if isinstance(v, models.Model) else v for v in values]
        if Partner.objects.filter(pk__in=ids, plan_id=record.plan_id).count() != len(set(ids)):
            errors[name] = _("Every partner must belong to the plan.")
    if errors:
        raise ValidationError(errors)


def _check_pseudonym(record: Record) -> None:
    """A person-level record holds a pseudonym (64 hex digits), never a name typed in its place."""
    value = getattr(record, "pseudonym", None)
    if value and not is_pseudonym(value):
        raise ValidationError(
            {"pseudonym": _("Not a pseudonym: derive it from the identity (the identity itself is never stored).")}
        )


def _refuse_if_restricted(kind: str, record: Record) -> None:
    """A record whose processing the person had restricted (GDPR art. 18) is changed only by the plan's data
    protection officer (`copil.privacy.rights`)."""
    from copil.privacy.models import Restriction

    if Restriction.objects.filter(kind=kind, record_id=record.pk).exists():
        raise PermissionDenied(_("This record's processing is restricted at the request of the person concerned."))


IDENTIFIER_ATTEMPTS = 5  # concurrent creations of one partner taking the same generated identifier, at most


def next_external_id(kind: str, partner: Partner, year: int) -> str:
    """The next free identifier of `partner`'s records of `kind` for `year`: « DSPAP-2024-0007 » (the partner's
    code, the year, a sequence number following the highest one taken)."""
    prefix = f"{partner.code.upper()}-{year}-"
    taken = (
        RECORD_KINDS[kind]
        .objects.filter(partner=partner, external_id__startswith=prefix)
        .values_list("external_id", flat=True)
    )
    numbers = [int(tail) for identifier in taken if (tail := identifier[len(prefix) :]).isdigit()]
    return f"{prefix}{max(numbers, default=0) + 1:04d}"


def _record_year(kind: str, record: Record) -> int:
    """The year of the record's own date (its period column), today's year when it has none."""
    from copil.formats.catalogue import FORMATS

    fmt = FORMATS[kind]
    when = getattr(record, fmt.column(fmt.period_column).field, None) if fmt.period_column else None
    return when.year if when is not None else timezone.localdate().year


def create_record(actor: Actor, kind: str, *, plan: Plan, partner: Partner, data: Mapping[str, Any]) -> Record:
    """Create a record of `kind` for `partner` in `plan` from field values (`data`: field name → value;
    foreign keys as instances or `<name>_id`; many-to-many as lists). Without an `external_id`, the next one of
    the partner is given (`next_external_id`; a concurrent creation taking it first makes this one take the
    following). Raises PermissionDenied (policy), ValidationError (invalid values, partner of another plan) —
    nothing is written then."""
    model = RECORD_KINDS[kind]
    if partner.plan_id != plan.pk:
        raise ValidationError({"partner": _("This partner does not belong to the plan.")})
    if actor is not None:
        policy.require(actor, "create", kind, partner)
    values, m2m = _split(model, data)
    record = model(plan=plan, partner=partner, **values)
    generated = not record.external_id
    for attempt in range(IDENTIFIER_ATTEMPTS):
        if generated:
            record.external_id = next_external_id(kind, partner, _record_year(kind, record))
        # A generated identifier is checked by the insert itself: a check before it could not see a concurrent one.
        record.full_clean(exclude=["external_id"] if generated else None)
        _check_pseudonym(record)
        _check_references(actor, record, m2m)
        try:
            with transaction.atomic(), auditlog_disabled():
                record.save(force_insert=True)
                for name, items in m2m.items():
                    getattr(record, name).set(items)
                record_event(actor, AuditEvent.Action.CREATE, plan=plan, partner=partner, obj=record, after=record)
        except IntegrityError:
            if not generated or attempt == IDENTIFIER_ATTEMPTS - 1:
                raise
            record.pk = None
            continue
        return record
    raise AssertionError("unreachable")


def update_record(actor: Actor, record: Record, data: Mapping[str, Any], *, expected_version: int) -> Record:
    """Change fields of a record the caller read at `expected_version`; bumps the version.

    Raises StaleRecord if the record is no longer at that version (or no longer exists), PermissionDenied,
    ValidationError. The record passed in is refreshed and returned.
    """
    kind = kind_of(record)
    model = type(record)
    if actor is not None:
        policy.require(actor, "update", kind, record.partner)
        _refuse_if_restricted(kind, record)
    values, m2m = _split(model, data)
    with transaction.atomic(), auditlog_disabled():
        current = (
            model._default_manager.select_for_update(of=("self",))
            .select_related("partner")
            .filter(pk=record.pk)
            .first()
        )
        if current is None:
            raise StaleRecord(record, expected_version, None)
        if current.version != expected_version:
            raise StaleRecord(record, expected_version, current.version)
        if actor is not None:
            policy.require(actor, "update", kind, current.partner)
        before = snapshot(current)
        edited = current
        for name, value in values.items():
            setattr(edited, name, value)
        edited.full_clean()
        _check_pseudonym(edited)
        _check_references(actor, edited, m2m)
        changes = {field.attname: getattr(edited, field.attname) for field in _written_fields(model, values)}
        updated = model._default_manager.filter(pk=record.pk, version=expected_version).update(
            **changes, version=F("version") + 1, updated_at=timezone.now()
        )
        if updated != 1:  # another transaction won between our read and our write
            still = model._default_manager.filter(pk=record.pk).values_list("version", flat=True).first()
            raise StaleRecord(record, expected_version, still)
        for name, items in m2m.items():
            getattr(edited, name).set(items)
        record.refresh_from_db()
        record_event(actor, AuditEvent.Action.UPDATE, obj=record, before=before, after=record)
    return record


def _written_fields(model: type[Record], values: Mapping[str, Any]) -> list[models.Field[Any, Any]]:
    """The concrete fields `values` names (`_split` has refused any other name)."""
    fields = [_field(model, name) for name in values]
    return [field for field in fields if isinstance(field, models.Field)]


def delete_record(actor: Actor, record: Record, *, expected_version: int | None = None) -> None:
    """Delete a record (if still at `expected_version`, when given).

    Records pointing to it lose the link (their `on_delete=SET_NULL`); those changes are written here as
    versioned, audited updates rather than left to the database's silent cascade.
    """
    kind = kind_of(record)
    model = type(record)
    if actor is not None:
        policy.require(actor, "delete", kind, record.partner)
        _refuse_if_restricted(kind, record)
    with transaction.atomic(), auditlog_disabled():
        current = (
            model._default_manager.select_for_update(of=("self",))
            .select_related("partner")
            .filter(pk=record.pk)
            .first()
        )
        if current is None:
            raise StaleRecord(record, expected_version or record.version, None)
        if expected_version is not None and current.version != expected_version:
            raise StaleRecord(record, expected_version, current.version)
        if actor is not None:
            policy.require(actor, "delete", kind, current.partner)
        before = snapshot(current)
        _unlink_referrers(actor, current)
        queryset = model._default_manager.filter(pk=record.pk)
        if expected_version is not None:
            queryset = queryset.filter(version=expected_version)
        deleted, _by_model = queryset.delete()
        if not deleted:
            still = model._default_manager.filter(pk=record.pk).values_list("version", flat=True).first()
            raise StaleRecord(record, expected_version or record.version, still)
        record_event(
            actor,
            AuditEvent.Action.DELETE,
            plan=current.plan_id,
            partner=current.partner_id,
            obj=current,
            before=before,
        )


def _unlink_referrers(actor: Actor, record: Record) -> None:
    """Set to null, with a version bump and an audit entry each, the links other records hold to `record`."""
    for relation in record._meta.related_objects:
        related = relation.related_model
        if relation.many_to_many or not issubclass(related, Record) or relation.on_delete is not models.SET_NULL:
            continue
        name = relation.field.name
        for referrer in related._default_manager.select_for_update().filter(**{name: record}):
            before = snapshot(referrer)
            related._default_manager.filter(pk=referrer.pk).update(
                **{name: None}, version=F("version") + 1, updated_at=timezone.now()
            )
            referrer.refresh_from_db()
            record_event(
                actor,
                AuditEvent.Action.UPDATE,
                obj=referrer,
                before=before,
                after=referrer,
                details={"reason": "linked record deleted", "deleted": f"{record._meta.label_lower}:{record.pk}"},
            )
