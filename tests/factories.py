"""Small factories for tests: a plan with its axes and partners, a record of any kind, built in a line."""

import datetime as dt
import itertools
from decimal import Decimal

from django.utils import timezone

from copil.plans.models import Axis, Partner, Plan, Territory
from copil.records.models import RECORD_KINDS, Record

_sequence = itertools.count(1)


def make_territory(**fields) -> Territory:
    n = next(_sequence)
    defaults = {"insee_code": f"99{n:03d}", "name": f"Commune {n}", "level": "commune", "population": 20000}
    return Territory.objects.create(**{**defaults, **fields})


def make_plan(slug: str | None = None, started_on: dt.date = dt.date(2023, 1, 1), **fields) -> Plan:
    n = next(_sequence)
    territory = fields.pop("territory", None) or make_territory()
    plan = Plan.objects.create(
        slug=slug or f"plan-{n}",
        name=fields.pop("name", f"Plan {n}"),
        territory=territory,
        started_on=started_on,
        **fields,
    )
    for position, (code, label) in enumerate(Axis.Code.choices):
        Axis.objects.create(plan=plan, code=code, title=str(label), position=position)
    return plan


def make_partner(plan: Plan, role: str = "police", code: str | None = None, **fields) -> Partner:
    n = next(_sequence)
    return Partner.objects.create(
        plan=plan,
        code=code or f"{role}-{n}",
        name=fields.pop("name", f"{role.title()} {n}"),
        role=role,
        **fields,
    )


def make_alert(plan: Plan, place: str = "Rue de la Gare", **fields):
    """An open space-time cluster alert detected today, as `copil scan` stores it."""
    from copil.alerts.models import Alert

    day = fields.pop("detected_on", None) or timezone.localdate()
    values = {
        "kind": Alert.Kind.SCAN_CLUSTER,
        "latitude": Decimal("48.43"),
        "longitude": Decimal("0.09"),
        "radius_m": 180,
        "start_day": day - dt.timedelta(days=6),
        "end_day": day,
        "observed": 14,
        "expected": 2.5,
        "p_value": 0.002,
        "recurrence_interval_days": 500,
    }
    return Alert.objects.create(plan=plan, detected_on=day, place=place, **{**values, **fields})


RECORD_DAY = dt.date(2024, 3, 1)


def required_record_fields(kind: str) -> dict:
    """The fields a record of `kind` cannot do without (no null, no model default), with plain values; every
    other field keeps its model default, so a test states what it counts on."""
    day = RECORD_DAY
    return {
        "deal_point": {"name": "Square", "identified_on": day},
        "network": {"name": "Réseau"},
        "operation": {"occurred_on": day, "kind": "search"},
        "seizure": {"seized_on": day, "substance": "crack", "quantity": Decimal("12.500"), "unit": "g"},
        "arrest": {"arrested_on": day, "role": "trafficker"},
        "conviction": {"convicted_on": day, "pseudonym": "a" * 64},
        "camera": {"installed_on": day},
        "prevention_action": {"held_on": day, "kind": "outreach"},
        "care_referral": {"referred_on": day, "destination": "csapa", "pseudonym": "b" * 64},
        "capacity_reading": {"observed_on": day, "kind": "shelter_places", "value": 40},
        "deployment_reading": {"deployed_on": day, "force": "police_nationale", "staff": 120},
        "eviction_procedure": {"opened_on": day},
        "field_observation": {
            "observed_at": dt.datetime(2024, 3, 1, 22, 30, tzinfo=dt.UTC),
            "people_count": 8,
            "source": "patrol",
        },
        "agreement": {"title": "Convention", "signed_on": day},
        "drug_fine": {"issued_on": day, "amount": Decimal("200.00")},
        "weapon_seizure": {"seized_on": day, "category": "firearm"},
        "asset_seizure": {"seized_on": day, "category": "cash", "value_eur": Decimal("1500.00")},
        "street_price": {"valid_from": day, "substance": "cannabis", "price_per_gram": Decimal("10.00")},
        "street_count": {
            "counted_at": dt.datetime(2024, 3, 1, 23, 0, tzinfo=dt.UTC),
            "zone": "Porte de la Chapelle",
            "people_count": 40,
        },
        "administrative_measure": {"measure": "appearance_ban", "requested_on": day},
        "penal_step": {"occurred_on": day, "pseudonym": "c" * 64, "stage": "custody"},
        "care_activity": {"site": "CAARUD", "site_type": "caarud", "month": day.replace(day=1)},
    }[kind]


def make_record(kind: str, partner: Partner, /, **overrides) -> Record:
    """One record of `kind` entered by `partner` in its plan (`plan=` to place it elsewhere), stored directly
    (no policy, no audit: a fixture, not a channel). Many-to-many values (`parties=[…]`) are set after;
    `kind` and `partner` are positional-only, so a record field called `kind` can be overridden too."""
    model = RECORD_KINDS[kind]
    values = {
        "plan": partner.plan,
        "external_id": f"{kind}-{next(_sequence)}",
        **required_record_fields(kind),
        **overrides,
    }
    m2m = {field.name: values.pop(field.name) for field in model._meta.many_to_many if field.name in values}
    record = model.objects.create(partner=partner, **values)
    for name, items in m2m.items():
        getattr(record, name).set(items)
    return record
