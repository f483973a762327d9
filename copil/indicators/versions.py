"""A version counter per plan and kind (`DataVersion`), bumped in the transaction of every write it covers.

The page cache keys its entries by these counters (`copil.web.caching.data_version`): reading them is one
index lookup, where fingerprinting the tables meant scanning every record of the plan on each page view. Record
kinds are counted under their kind (`seizure`…), plan objects under their model (`meeting`, `partner`…).
Saves and deletions through the ORM bump by the signal receivers below; queryset updates and bulk writes (the
actions' updates, the importer once per file, the purge) call `bump` themselves.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

from django.db import connection, models

from .models import DataVersion


def bump(plan_ids: Iterable[int], *kinds: str) -> None:
    """Move on the counters of these kinds in these plans (in the caller's transaction)."""
    quote = connection.ops.quote_name
    table = quote(DataVersion._meta.db_table)
    rows = [(plan_id, kind) for plan_id in sorted(set(plan_ids)) for kind in kinds]
    if not rows:
        return
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} ({quote('plan_id')}, {quote('kind')}, {quote('version')}) VALUES (%s, %s, 1) "
            f"ON CONFLICT ({quote('plan_id')}, {quote('kind')}) DO UPDATE SET "
            f"{quote('version')} = {table}.{quote('version')} + 1",
            rows,
        )


def versions(plan_id: int, kinds: Iterable[str] | None = None) -> dict[str, int]:
    """The plan's counters (all, or these kinds'), by kind; a kind never written is absent."""
    rows = DataVersion.objects.filter(plan_id=plan_id)
    if kinds is not None:
        rows = rows.filter(kind__in=list(kinds))
    return dict(rows.values_list("kind", "version"))


def fingerprint(plan_id: int, kinds: Iterable[str] | None = None) -> str:
    """A short digest of the plan's counters (all, or these kinds'): it changes with any write they cover."""
    state = sorted(versions(plan_id, kinds).items())
    return hashlib.sha256(repr(state).encode()).hexdigest()[:16]


# --- writes through the ORM -------------------------------------------------------------------------------------


def _record_kind(model: type) -> str | None:
    from copil.records.models import RECORD_KINDS

    return next((kind for kind, candidate in RECORD_KINDS.items() if candidate is model), None)


def _plan_ids(instance: Any) -> list[int]:
    """The plans whose pages state this plan object."""
    from copil.plans.models import Decision, Plan, Territory

    if isinstance(instance, Plan):
        return [instance.pk]
    if isinstance(instance, Territory):
        return list(Plan.objects.filter(territory_id=instance.pk).values_list("pk", flat=True))
    if isinstance(instance, Decision):
        from copil.plans.models import Meeting

        return list(Meeting.objects.filter(pk=instance.meeting_id).values_list("plan_id", flat=True))
    plan_id = getattr(instance, "plan_id", None)
    return [plan_id] if plan_id is not None else []


def _on_record_write(sender: type, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    from .rollup import is_bulk

    kind = _record_kind(sender)
    if kind is not None and not raw and not is_bulk():
        bump([instance.plan_id], kind)


def _on_plan_object_write(sender: type[models.Model], instance: Any, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        bump(_plan_ids(instance), str(sender._meta.model_name))


def _on_relation_change(
    sender: type[models.Model], instance: Any, action: str, reverse: bool, model: type[models.Model], **kwargs: Any
) -> None:
    """A partner's axes, a meeting's attendees or an agreement's parties changed (both ends are of one plan)."""
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    owner = model if reverse else type(instance)
    bump(_plan_ids(instance), _record_kind(owner) or str(owner._meta.model_name))


def connect_signals() -> None:
    """Bump the counters on every save and deletion of a record or a plan object, and on relation changes."""
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from copil.plans.models import Action, Axis, Decision, Meeting, Partner, Plan, Target, Territory
    from copil.records.models import RECORD_KINDS, Agreement

    for kind, model in RECORD_KINDS.items():
        post_save.connect(_on_record_write, sender=model, dispatch_uid=f"version-save-{kind}")
        post_delete.connect(_on_record_write, sender=model, dispatch_uid=f"version-delete-{kind}")
    plan_objects: tuple[type[models.Model], ...] = (Territory, Plan, Axis, Partner, Action, Meeting, Decision, Target)
    for plan_object in plan_objects:
        name = plan_object._meta.model_name
        post_save.connect(_on_plan_object_write, sender=plan_object, dispatch_uid=f"version-save-{name}")
        post_delete.connect(_on_plan_object_write, sender=plan_object, dispatch_uid=f"version-delete-{name}")
    for relation in (Partner.axes.through, Meeting.attendees.through, Agreement.parties.through):
        m2m_changed.connect(_on_relation_change, sender=relation, dispatch_uid=f"version-m2m-{relation.__name__}")
