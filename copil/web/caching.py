"""Cache of the expensive page parts (dashboard figures and charts, bilans), keyed so that it is never stale.

A key names the plan, the period, what the user may see of the aggregates (exact or suppressed, per
indicator: `visibility_key`) and the plan's data version (`data_version`): the plan's version counters
(`copil.indicators.versions`, one per record kind and plan object, bumped in the transaction of every create,
update or delete, relation changes included), read by one index lookup whatever the number of records. A page is
thus recomputed as soon as anything it states changes. Entries also expire after COPIL_PAGE_CACHE_SECONDS.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache

from copil.access import policy
from copil.access.actors import Actor
from copil.indicators import versions
from copil.plans.models import Plan

T = TypeVar("T")
PREFIX = "copil-web"


def data_version(plan: Plan) -> str:
    """A fingerprint of every record and plan object of the plan: its version counters, read in one query."""
    return f"{plan.pk}-{plan.updated_at.timestamp() if plan.updated_at else ''}-{versions.fingerprint(plan.pk)}"


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
