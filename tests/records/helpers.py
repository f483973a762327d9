"""Helpers of the record page and API tests: form data and API bodies from field values."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from copil.formats import FORMATS, ColumnType
from copil.plans.models import Partner
from copil.records.models import RECORD_KINDS, Record

# The role that records each kind (a member of "<role>-1" in tests.access.conftest's world).
OWNER_ROLE = {
    "deal_point": "police",
    "network": "police",
    "operation": "police",
    "seizure": "police",
    "arrest": "police",
    "deployment_reading": "police",
    "field_observation": "police",
    "conviction": "justice",
    "camera": "city",
    "eviction_procedure": "housing",
    "prevention_action": "care",
    "care_referral": "care",
    "capacity_reading": "health",
    "agreement": "coordinator",
    "drug_fine": "police",
    "weapon_seizure": "police",
    "asset_seizure": "police",
    "street_price": "police",
    "street_count": "care",  # issue 14, kinds2
    "administrative_measure": "coordinator",  # issue 14, kinds3
    "penal_step": "justice",
    "care_activity": "care",  # issue 14, family 6
}
assert set(OWNER_ROLE) == set(RECORD_KINDS)


def complete_sample(kind: str, partner: Partner, external_id: str) -> dict[str, Any]:
    """`tests.access.conftest.sample` with what the import format requires beyond the model (an observation's
    coordinates)."""
    from decimal import Decimal

    from tests.access.conftest import sample

    values = sample(kind, partner, external_id)
    if kind == "field_observation":
        values.update(latitude=Decimal("48.432100"), longitude=Decimal("0.091200"))
    return values


def _value(column, value: Any, *, typed: bool) -> Any:
    kind = column.type
    if kind == ColumnType.PARTNERS:
        return [p.code if isinstance(p, Partner) else p for p in value or []]
    if kind == ColumnType.REFERENCE:
        if value is None:
            return None if typed else ""
        return value.external_id if isinstance(value, Record) else value
    if value is None or (value == "" and kind == ColumnType.CHOICE):
        return None if typed else ""
    if kind == ColumnType.CHOICE:
        return column.canonical(value) if typed else value
    if kind == ColumnType.DATETIME:
        local = timezone.localtime(value)
        return local.isoformat() if typed else local.strftime("%Y-%m-%dT%H:%M")
    if kind == ColumnType.DATE:
        return value.isoformat()
    if kind == ColumnType.DECIMAL:
        return str(value) if typed else str(value).replace(".", ",")
    return value


# The person a person-level form names: the form computes the pseudonym, never typed.
IDENTITY = {"identite_nom": "Dupont", "identite_prenom": "Jeanne", "identite_naissance": "01/02/1990"}


def identity_pseudonym(plan: Any) -> str:
    """The pseudonym the record form computes from `IDENTITY` in `plan`."""
    from copil.access.pseudonyms import plan_key, pseudonym

    return pseudonym(*IDENTITY.values(), key=plan_key(plan))


def form_data(kind: str, values: dict[str, Any]) -> dict[str, Any]:
    """What the record form posts for these field values (by model field name); a pseudonym is posted as the
    identity it is computed from (`IDENTITY`: set `values["pseudonym"]` to `identity_pseudonym()`)."""
    data: dict[str, Any] = {}
    for column in FORMATS[kind].columns:
        if column.field not in values:
            continue
        if column.name == "pseudonyme":
            if values[column.field]:
                data.update(IDENTITY)
            continue
        value = values[column.field]
        if column.type == ColumnType.BOOLEAN:
            if value:
                data[column.name] = "on"
            continue
        data[column.name] = _value(column, value, typed=False)
    return data


def api_body(kind: str, values: dict[str, Any]) -> dict[str, Any]:
    """The JSON body creating a record with these field values."""
    body = {}
    for column in FORMATS[kind].columns:
        if column.field in values:
            body[column.name] = _value(column, values[column.field], typed=True)
    return body


def record_values(record: Record) -> dict[str, Any]:
    """A record's field values (what `sample` gives), signatories as partners."""
    values = {}
    for column in FORMATS[_kind(record)].columns:
        value = getattr(record, column.field)
        values[column.field] = list(value.all()) if column.type == ColumnType.PARTNERS else value
    return values


def _kind(record: Record) -> str:
    return next(kind for kind, model in RECORD_KINDS.items() if isinstance(record, model))
