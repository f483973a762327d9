"""The purge of what the retention table (`copil.access.retention`) says is due.

Person-level records are anonymised, never deleted, because the plan's figures are computed from them: the
pseudonym of each person becomes a random token (one per person and purge, so a person counted once stays
counted once and can no longer be found from their identity), the partner's identifier another, free text is
blanked and dates move to the first day of their month (never across the plan's start or end). Counts by month,
quarter, year and over the plan keep their values; only day and week figures may move within the month.

The audit trail is deleted after its own retention, and with it the last mention of former members, whose
accounts are then forgotten (name and address removed). Each purge step writes one audit entry with its
counts, never the content it removed.
"""

from __future__ import annotations

import datetime as dt
import secrets
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import connection, models, transaction
from django.db.models import Max
from django.utils import timezone

from copil.access import dbguard
from copil.access.audit import auditlog_disabled, record_event
from copil.access.models import AuditEvent
from copil.access.retention import ANONYMISE, AUDIT_TRAIL, UPLOAD, RetentionRule, retention_rules
from copil.indicators import rollup, versions
from copil.indicators.periods import add_months
from copil.plans.models import Plan
from copil.privacy.accounts import forget_former_members, former_members
from copil.records.models import RECORD_KINDS, Record

ANONYMOUS_PREFIX = "anonyme-"
FORMER_MEMBERS = "former_members"  # deactivated accounts, forgotten with the trail that names them
FINISHED_IMPORTS = ("done", "rejected", "cancelled", "failed")
_KEPT_FIELDS = frozenset({"pseudonym", "external_id"})


@dataclass(frozen=True)
class PurgeStep:
    """What one step removes (or would remove): `count` items of `kind`, in `plan` (None: deployment-wide)."""

    kind: str
    plan: Plan | None
    action: str  # "anonymise" or "delete"
    count: int
    due_before: dt.date
    restricted: int = 0


def retention_months(plan: Plan | None, kind: str) -> int | None:
    """The plan's own duration for the kind if it set one, else the table's."""
    from copil.privacy.models import PlanRetention

    rule = retention_rules()[kind]
    if plan is not None and rule.overridable:
        override = PlanRetention.objects.filter(plan=plan, kind=kind).values_list("months", flat=True).first()
        if override is not None:
            return override
    return rule.months


def is_anonymised(record: Record) -> bool:
    return record.external_id.startswith(ANONYMOUS_PREFIX)


def _token() -> str:
    return ANONYMOUS_PREFIX + secrets.token_hex(12)


def due_records(plan: Plan, kind: str, today: dt.date) -> tuple[models.QuerySet, dt.date] | None:
    """The records of `kind` in `plan` whose retention has run out on `today` (restricted ones included), and
    the date before which they were due; None when the kind is kept with its plan."""
    rule = retention_rules()[kind]
    months = retention_months(plan, kind)
    if not rule.purged or months is None:
        return None
    model = RECORD_KINDS[kind]
    alive = model.objects.filter(plan=plan).exclude(external_id__startswith=ANONYMOUS_PREFIX)
    cutoff = add_months(today, -months)
    if rule.counted_from == "last_contact":
        date_field = _date_fields(model)[0].name
        persons = (
            alive.exclude(pseudonym="")
            .values("pseudonym")
            .annotate(last=Max(date_field))
            .filter(last__lte=cutoff)
            .values("pseudonym")
        )
        return alive.filter(pseudonym__in=persons), cutoff
    if rule.counted_from == "plan_end":
        if plan.ended_on is None or plan.ended_on > cutoff:
            return alive.none(), cutoff
        return alive, cutoff
    if rule.counted_from == "event":
        return alive.filter(**{f"{_date_fields(model)[0].name}__lte": cutoff}), cutoff
    raise ValueError(f"retention of {kind}: cannot count from {rule.counted_from}")


def restricted_ids(kind: str, ids: Iterable[int]) -> set[int]:
    from copil.privacy.models import Restriction

    return set(Restriction.objects.filter(kind=kind, record_id__in=list(ids)).values_list("record_id", flat=True))


def _date_fields(model: type[Record]) -> list[models.Field]:
    """The record's own dates (not its creation and change stamps), the first being the one it is dated by."""
    return [
        field
        for field in model._meta.concrete_fields
        if isinstance(field, models.DateField) and field.name not in {"created_at", "updated_at"}
    ]


def _coarsen(day: Any, plan: Plan) -> Any:
    """The first day of the month, without crossing the plan's start or end (plan-relative periods keep it)."""
    if day is None:
        return None
    is_datetime = isinstance(day, dt.datetime)
    local = timezone.localtime(day).date() if is_datetime else day
    coarse = local.replace(day=1)
    if local >= plan.started_on:
        coarse = max(coarse, plan.started_on)
    if plan.ended_on is not None and local > plan.ended_on:
        coarse = max(coarse, plan.ended_on + dt.timedelta(days=1))
    if is_datetime:
        return timezone.make_aware(dt.datetime.combine(coarse, dt.time.min))
    return coarse


def anonymise_records(plan: Plan, kind: str, records: list[Record]) -> int:
    """Anonymise records of one kind and plan in place (one token per person among them); returns their count.

    Call it inside a transaction with the audit entry of the step; django-auditlog is kept out, so no copy of
    the content removed reaches the trail.
    """
    model = RECORD_KINDS[kind]
    dates = _date_fields(model)
    free_text = [
        field
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField)
        and not field.choices
        and field.blank
        and field.name not in _KEPT_FIELDS
    ]
    tokens: dict[str, str] = {}
    now = timezone.now()
    for record in records:
        record.external_id = _token()
        pseudonym = getattr(record, "pseudonym", "")
        if pseudonym:
            record.pseudonym = tokens.setdefault(pseudonym, _token())
        for field in dates:
            setattr(record, field.attname, _coarsen(getattr(record, field.attname), plan))
        for field in free_text:
            setattr(record, field.attname, "")
        record.version += 1
        record.updated_at = now
    fields = ["external_id", "version", "updated_at", *(f.name for f in dates), *(f.name for f in free_text)]
    if hasattr(model, "pseudonym"):
        fields.append("pseudonym")
    written = model.objects.filter(pk__in=[record.pk for record in records])
    rollup.apply(kind, written, -1)  # coarser dates move the records' roll-up cells
    with auditlog_disabled():
        model.objects.bulk_update(records, fields, batch_size=500)
    rollup.apply(kind, written, 1)
    versions.bump([plan.pk], kind)
    return len(records)


# --- planning and running the purge --------------------------------------------------------------------------


def _record_steps(today: dt.date, plans: Iterable[Plan]) -> list[tuple[PurgeStep, list[int]]]:
    steps = []
    for plan in plans:
        for kind, rule in retention_rules().items():
            if kind not in RECORD_KINDS or not rule.purged:
                continue
            due = due_records(plan, kind, today)
            if due is None:
                continue
            queryset, cutoff = due
            ids = list(queryset.values_list("pk", flat=True))
            kept = restricted_ids(kind, ids)
            ids = [pk for pk in ids if pk not in kept]
            if ids or kept:
                steps.append((PurgeStep(kind, plan, rule.at_expiry, len(ids), cutoff, len(kept)), ids))
    return steps


def _audit_cutoff(today: dt.date) -> tuple[dt.datetime, dt.date]:
    day = add_months(today, -retention_months(None, AUDIT_TRAIL))
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min)), day


def _finished_uploads() -> list[Any]:
    from copil.imports.jobs import upload_dir
    from copil.imports.models import ImportJob

    root = upload_dir()
    jobs = ImportJob.objects.filter(status__in=FINISHED_IMPORTS).exclude(stored_path="")
    return [
        job for job in jobs if Path(job.stored_path).parent.parent == root and Path(job.stored_path).parent.exists()
    ]


def plan_purge(today: dt.date, plans: Iterable[Plan] | None = None) -> list[PurgeStep]:
    """What a purge on `today` would remove, step by step (`copil retention --dry-run`); given `plans`, only
    their records (the trail, accounts and uploads are the deployment's)."""
    steps = [step for step, _ids in _record_steps(today, _plans(plans))]
    if plans is None:
        steps.extend(_deployment_steps(today))
    return steps


def _plans(plans: Iterable[Plan] | None) -> list[Plan]:
    return list(plans) if plans is not None else list(Plan.objects.order_by("slug"))


def _deployment_steps(today: dt.date) -> list[PurgeStep]:
    from auditlog.models import LogEntry

    instant, day = _audit_cutoff(today)
    trail = AuditEvent.objects.filter(at__lt=instant).count() + LogEntry.objects.filter(timestamp__lt=instant).count()
    steps = []
    if trail:
        steps.append(PurgeStep(AUDIT_TRAIL, None, retention_rules()[AUDIT_TRAIL].at_expiry, trail, day))
    members = former_members(instant).count()
    if members:
        steps.append(PurgeStep(FORMER_MEMBERS, None, ANONYMISE, members, day))
    uploads = _finished_uploads()
    if uploads:
        steps.append(PurgeStep(UPLOAD, None, retention_rules()[UPLOAD].at_expiry, len(uploads), today))
    return steps


def purge(today: dt.date, plans: Iterable[Plan] | None = None) -> list[PurgeStep]:
    """Remove what is due on `today`; one transaction and one audit entry (counts only) per step. Given
    `plans`, only their records."""
    done = []
    for step, ids in _record_steps(today, _plans(plans)):
        with transaction.atomic():
            model = RECORD_KINDS[step.kind]
            records = list(model.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
            if step.action == ANONYMISE:
                count = anonymise_records(step.plan, step.kind, records)
            else:
                with auditlog_disabled():
                    count, _by_model = model.objects.filter(pk__in=[r.pk for r in records]).delete()
            _audit_step(step, count, retention_rules()[step.kind])
        done.append(PurgeStep(step.kind, step.plan, step.action, count, step.due_before, step.restricted))
    if plans is None:
        done.extend(_purge_deployment(today))
    return done


def _audit_step(step: PurgeStep, count: int, rule: RetentionRule) -> None:
    record_event(
        None,
        AuditEvent.Action.UPDATE if step.action == ANONYMISE else AuditEvent.Action.DELETE,
        plan=step.plan,
        details={
            "privacy": "retention",
            "kind": step.kind,
            "action": step.action,
            "count": count,
            "restricted_kept": step.restricted,
            "counted_from": rule.counted_from,
            "due_before": step.due_before,
        },
    )


def _purge_deployment(today: dt.date) -> list[PurgeStep]:
    from auditlog.models import LogEntry

    done = []
    instant, day = _audit_cutoff(today)
    if AuditEvent.objects.filter(at__lt=instant).exists() or LogEntry.objects.filter(timestamp__lt=instant).exists():
        # The trail's own retention: the one deletion its append-only guard lets through (dbguard.maintenance).
        with transaction.atomic(), dbguard.maintenance(), connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {AuditEvent._meta.db_table} WHERE at < %s", [instant])
            count = cursor.rowcount
            cursor.execute(f"DELETE FROM {LogEntry._meta.db_table} WHERE timestamp < %s", [instant])
            count += cursor.rowcount
        step = PurgeStep(AUDIT_TRAIL, None, "delete", count, day)
        _audit_step(step, count, retention_rules()[AUDIT_TRAIL])
        done.append(step)
    if former_members(instant).exists():
        with transaction.atomic():
            count = forget_former_members(instant)
            step = PurgeStep(FORMER_MEMBERS, None, ANONYMISE, count, day)
            _audit_step(step, count, retention_rules()[AUDIT_TRAIL])
        done.append(step)
    uploads = _finished_uploads()
    if uploads:
        for job in uploads:
            shutil.rmtree(Path(job.stored_path).parent, ignore_errors=True)
        step = PurgeStep(UPLOAD, None, "delete", len(uploads), today)
        _audit_step(step, len(uploads), retention_rules()[UPLOAD])
        done.append(step)
    return done
