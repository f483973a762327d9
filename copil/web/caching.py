"""Cache of the expensive page parts (dashboard figures and charts, bilans), keyed so that it is never stale.

A key names the plan, the period, what the user may see of the aggregates (exact or suppressed, per
indicator: `visibility_key`) and the plan's data version (`data_version`): one query counting the records of
every kind of the plan with their latest change, and the same for the plan's meetings, decisions, actions,
partners, axes and targets, with the plan's and its territory's last change. Any create, update or delete
through Copil changes it (every one of them carries `updated_at`, moved on by a change of a many-to-many relation
too; a deletion lowers a count), so a page is recomputed as soon as anything it states changes. Entries also expire
after COPIL_PAGE_CACHE_SECONDS.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import connection, models

from copil.access import policy
from copil.access.actors import Actor
from copil.plans.models import Action, Axis, Decision, Meeting, Partner, Plan, Target, Territory
from copil.records.models import RECORD_KINDS

T = TypeVar("T")
PREFIX = "copil-web"


def data_version(plan: Plan) -> str:
    """A fingerprint of every record and plan object of the plan, read in a single query."""
    quote = connection.ops.quote_name
    parts, params = [], []

    def latest(name: str, model: type[models.Model], join: str = "", plan_column: str = "o.plan_id") -> None:
        """Count and latest change of the plan's objects of this model (alias `o`)."""
        column = ".".join(quote(part) for part in plan_column.split("."))
        parts.append(
            f"SELECT '{name}', COUNT(*), CAST(MAX(o.{quote('updated_at')}) AS TEXT) "
            f"FROM {quote(model._meta.db_table)} o {join} WHERE {column} = %s"
        )
        params.append(plan.pk)

    for kind, model in RECORD_KINDS.items():
        latest(kind, model)
    plan_objects: dict[str, type[models.Model]] = {
        "meeting": Meeting,
        "action": Action,
        "partner": Partner,
        "axis": Axis,
        "target": Target,
    }
    for name, plan_model in plan_objects.items():
        latest(name, plan_model)
    meetings = f"JOIN {quote(Meeting._meta.db_table)} m ON m.{quote('id')} = o.{quote('meeting_id')}"
    latest("decision", Decision, meetings, "m.plan_id")
    latest("plan", Plan, "", "o.id")
    territories = f"JOIN {quote(Plan._meta.db_table)} p ON p.{quote('territory_id')} = o.{quote('id')}"
    latest("territory", Territory, territories, "p.id")
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        rows = sorted((str(kind), int(count), str(latest)) for kind, count, latest in cursor.fetchall())
    return hashlib.sha256(repr(rows).encode()).hexdigest()[:16]


def visibility_key(user: Actor, plan: Plan, definitions: Iterable[Any]) -> str:
    """What the user may see of these indicators in the plan: 'e' exact, 's' suppressed, 'h' hidden each."""
    letters = []
    for definition in definitions:
        rule = policy.aggregate_rule(user, definition, plan=plan)
        letters.append("h" if not rule.visible else "s" if rule.suppress else "e")
    return "".join(letters)


def cached(parts: Iterable[Any], compute: Callable[[], T]) -> T:
    """The cached value for the key made of `parts`, computed and stored on a miss."""
    raw = "|".join(str(part) for part in parts)
    key = f"{PREFIX}:{hashlib.sha256(raw.encode()).hexdigest()}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, settings.COPIL_PAGE_CACHE_SECONDS)
    return value
