"""Signalements written straight to the tables, with their timeline, for the figure tests (the lifecycle
itself goes through `copil.signalements.actions`, tested with them)."""

from __future__ import annotations

import datetime as dt
import uuid

from django.utils import timezone

from copil.plans.models import Plan
from copil.signalements.models import Category, Signalement


def category(plan: Plan, code: str = "point_de_deal", label: str = "point de deal suspecté") -> Category:
    found, _created = Category.objects.get_or_create(
        plan=plan, code=code, defaults={"label": label, "due_days": 10, "take_days": 2}
    )
    return found


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def signalement(
    plan: Plan,
    created: dt.datetime,
    *,
    code: str = "point_de_deal",
    status: str = Signalement.Status.NEW,
    taken_after: dt.timedelta | None = None,
    latitude: str | None = None,
    longitude: str | None = None,
    **fields,
) -> Signalement:
    return Signalement.objects.create(
        plan=plan,
        client_id=uuid.uuid4(),
        category=category(plan, code, code.replace("_", " ")),
        description="deux hommes, hall B",
        observed_at=created - dt.timedelta(hours=1),
        created_at=created,
        status=status,
        taken_at=None if taken_after is None else created + taken_after,
        latitude=latitude,
        longitude=longitude,
        **fields,
    )
