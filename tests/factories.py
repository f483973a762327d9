"""Small factories for tests: a plan with its axes and partners, built in a line."""

import datetime as dt
import itertools
from decimal import Decimal

from django.utils import timezone

from copil.plans.models import Axis, Partner, Plan, Territory

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
