"""The rights of the persons recorded, answered by the plan's data protection officer (`may_answer_rights`):
from a person's identity (last name, first name, birth date, as in the referral form), the records carrying
the person's pseudonym in the plan, their export (access), correction (rectification), restriction and
erasure. Each step is one function, checks the policy and writes its audit entry in the same transaction; the
trail names the records, never the identity nor the pseudonym.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_variables

from copil.access import data_protection
from copil.access.actors import Actor
from copil.access.audit import json_value, record_event, snapshot
from copil.access.models import AuditEvent
from copil.access.policy import PSEUDONYMISED_KINDS
from copil.access.pseudonyms import plan_key, pseudonym
from copil.plans.models import Plan
from copil.records.actions import kind_of, update_record
from copil.records.models import RECORD_KINDS, Record

from .models import Restriction
from .purge import anonymise_records


@dataclass(frozen=True)
class Identity:
    """A person as the referral form asks for them; never stored, and left out of any repr (tracebacks, logs)."""

    last_name: str = field(repr=False)
    first_name: str = field(repr=False)
    birth_date: dt.date | str = field(repr=False)


@sensitive_variables("identity")
def person_pseudonym(plan: Plan, identity: Identity) -> str:
    """The pseudonym the person's records carry in `plan`: the one place the identity meets the key."""
    return pseudonym(identity.last_name, identity.first_name, identity.birth_date, key=plan_key(plan))


@dataclass
class PersonRecords:
    """The records of one person in one plan, by kind (person-level kinds only)."""

    plan: Plan
    by_kind: dict[str, list[Record]]

    @property
    def count(self) -> int:
        return sum(len(records) for records in self.by_kind.values())

    def ids(self) -> dict[str, list[int]]:
        return {kind: [r.pk for r in records] for kind, records in self.by_kind.items()}

    def restricted(self) -> set[tuple[str, int]]:
        return {
            (kind, pk)
            for kind, records in self.by_kind.items()
            for pk in Restriction.objects.filter(kind=kind, record_id__in=[r.pk for r in records]).values_list(
                "record_id", flat=True
            )
        }


def _find(plan: Plan, identity: Identity) -> PersonRecords:
    value = person_pseudonym(plan, identity)
    by_kind = {}
    for kind in sorted(PSEUDONYMISED_KINDS):
        model = RECORD_KINDS[kind]
        by_kind[kind] = list(model.objects.filter(plan=plan, pseudonym=value).select_related("partner").order_by("pk"))
    return PersonRecords(plan, by_kind)


def _audit(actor: Actor, plan: Plan, action: str, step: str, found: PersonRecords, **details: Any) -> None:
    record_event(actor, action, plan=plan, details={"privacy": step, "records": found.ids(), **details})


def search_person(actor: Actor, plan: Plan, identity: Identity) -> PersonRecords:
    """Every record carrying the person's pseudonym in the plan (PermissionDenied but for the plan's DPO)."""
    data_protection.require_rights(actor, plan)
    with transaction.atomic():
        found = _find(plan, identity)
        _audit(actor, plan, AuditEvent.Action.EXPORT, "search", found)
    return found


def export_person(actor: Actor, plan: Plan, identity: Identity) -> bytes:
    """The person's records as a JSON document (right of access and portability), in French field names."""
    data_protection.require_rights(actor, plan)
    with transaction.atomic():
        found = _find(plan, identity)
        document = {
            "plan": plan.name,
            "exporte_le": timezone.localdate().isoformat(),
            "enregistrements": [
                {
                    "nature": str(RECORD_KINDS[kind]._meta.verbose_name),
                    "partenaire": record.partner.name,
                    "champs": {
                        str(RECORD_KINDS[kind]._meta.get_field(name).verbose_name): value
                        for name, value in (snapshot(record, include_m2m=False) or {}).items()
                        if name not in {"id", "plan_id", "partner_id", "version"}
                    },
                }
                for kind, records in found.by_kind.items()
                for record in records
            ],
        }
        _audit(actor, plan, AuditEvent.Action.EXPORT, "access", found)
    return json.dumps(json_value(document), ensure_ascii=False, indent=2).encode()


def _person_record(plan: Plan, identity: Identity, record: Record) -> None:
    if record.plan_id != plan.pk or getattr(record, "pseudonym", None) != person_pseudonym(plan, identity):
        raise PermissionDenied(_("This record is not one of this person's records in the plan."))


def rectifiable_fields(kind: str) -> dict[str, Any]:
    """The fields of a person-level record the officer may correct: every editable value but the pseudonym
    (it follows the identity), the partner's identifier and the bookkeeping fields."""
    return {
        field.name: field
        for field in RECORD_KINDS[kind]._meta.concrete_fields
        if field.editable
        and not field.is_relation
        and field.name not in {"id", "pseudonym", "external_id", "version", "created_at", "updated_at"}
    }


def rectify_record(
    actor: Actor, plan: Plan, identity: Identity, record: Record, data: Mapping[str, Any], *, expected_version: int
) -> Record:
    """Correct fields of one of the person's records (rectification), even restricted; the record's own
    update entry and the rectification entry name the officer's step."""
    data_protection.require_rights(actor, plan)
    _person_record(plan, identity, record)
    if "pseudonym" in data:
        raise PermissionDenied(_("The pseudonym follows the identity and cannot be changed."))
    with transaction.atomic():
        updated = update_record(None, record, data, expected_version=expected_version)
        record_event(
            actor,
            AuditEvent.Action.UPDATE,
            plan=plan,
            details={"privacy": "rectification", "kind": kind_of(record), "record": record.pk, "fields": sorted(data)},
        )
    return updated


def restrict_person(actor: Actor, plan: Plan, identity: Identity, reason: str = "") -> int:
    """Restrict the processing of every record of the person (art. 18); returns how many were restricted."""
    data_protection.require_rights(actor, plan)
    with transaction.atomic():
        found = _find(plan, identity)
        already = found.restricted()
        new = [
            Restriction(plan=plan, kind=kind, record_id=record.pk, reason=reason[:300])
            for kind, records in found.by_kind.items()
            for record in records
            if (kind, record.pk) not in already
        ]
        Restriction.objects.bulk_create(new)
        _audit(actor, plan, AuditEvent.Action.UPDATE, "restriction", found, restricted=len(new))
    return len(new)


def lift_restriction(actor: Actor, plan: Plan, identity: Identity) -> int:
    """Lift the restriction of the person's records; returns how many were lifted."""
    data_protection.require_rights(actor, plan)
    with transaction.atomic():
        found = _find(plan, identity)
        lifted = 0
        for kind, records in found.by_kind.items():
            lifted += Restriction.objects.filter(kind=kind, record_id__in=[r.pk for r in records]).delete()[0]
        _audit(actor, plan, AuditEvent.Action.UPDATE, "restriction_lifted", found, lifted=lifted)
    return lifted


def erase_person(actor: Actor, plan: Plan, identity: Identity) -> int:
    """Erase the person from the plan (art. 17): their records are anonymised as the purge does, since deleting
    them would change figures already published; restricted records are left until the restriction is lifted.
    Returns how many records were anonymised."""
    data_protection.require_rights(actor, plan)
    with transaction.atomic():
        found = _find(plan, identity)
        restricted = found.restricted()
        count = 0
        for kind, records in found.by_kind.items():
            free = [r for r in records if (kind, r.pk) not in restricted]
            if free:
                locked = list(RECORD_KINDS[kind].objects.select_for_update().filter(pk__in=[r.pk for r in free]))
                count += anonymise_records(plan, kind, locked)
        _audit(actor, plan, AuditEvent.Action.UPDATE, "erasure", found, anonymised=count, restricted=len(restricted))
    return count
