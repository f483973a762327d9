"""An import in the audit trail (`copil.access.audit.record_bulk_changes`)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db import connection, models

from copil.access import audit
from copil.formats import RecordFormat
from copil.imports.results import ImportReport
from copil.imports.staging import BEFORE_TABLE

if TYPE_CHECKING:
    from copil.imports.importer import ImportRequest

AUDIT_CHUNK = 10_000  # objects per call to the audit trail, so memory stays flat on huge imports
AUDIT_CREATED_DETAIL = 10_000  # beyond this many creations, the trail records their count, not each one


class History:
    """Writes an import to the audit trail (`copil.access.audit.record_bulk_changes`): a summary event (file,
    kind, counts) and one event per record updated (values before and after) or deleted, and per record
    created when there are at most AUDIT_CREATED_DETAIL of them.

    Beyond that (an initial load of years of history), creations are summarised: the summary event gives
    their count and creation time, which the records carry in `created_at`, so they stay traceable without
    a million identical events. Objects go to the trail in calls of at most AUDIT_CHUNK, so memory stays
    flat; every call carries the file name and a part number.
    """

    def __init__(self, request: ImportRequest, fmt: RecordFormat, report: ImportReport, now: dt.datetime):
        self.actor, self.channel, self.fmt = request.actor, request.channel, fmt
        self.plan, self.partner, self.report, self.now = request.plan, request.partner, report, now
        self.created: list[Any] = []
        self.updated: list[tuple[Any, Any]] = []
        self.removed: list[Any] = []
        self.calls = 0
        self.creations_summarised = False

    def record_changes(self, model: type[models.Model], now: dt.datetime) -> None:
        """Queue the updated records (before: the copy taken before the UPDATE) and the created ones."""
        before_table = connection.ops.quote_name(BEFORE_TABLE)
        last = 0
        while True:
            before = list(
                model._default_manager.raw(f"SELECT * FROM {before_table} WHERE id > %s ORDER BY id LIMIT 1000", [last])
            )
            if not before:
                break
            last = before[-1].pk
            after = model._default_manager.in_bulk([obj.pk for obj in before])
            for obj in before:
                self._add(updated=(obj, after[obj.pk]))
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {before_table}")
        if self.report.created > AUDIT_CREATED_DETAIL:
            self.creations_summarised = True
            return
        created = model._default_manager.filter(partner_id=self.partner.pk, created_at=now).order_by("pk")
        for obj in created.iterator(chunk_size=2000):
            self._add(created=obj)

    def deleted(self, objects: list[Any]) -> None:
        for obj in objects:
            self._add(deleted=obj)

    def _add(self, created: Any = None, updated: tuple[Any, Any] | None = None, deleted: Any = None) -> None:
        if created is not None:
            self.created.append(created)
        if updated is not None:
            self.updated.append(updated)
        if deleted is not None:
            self.removed.append(deleted)
        if len(self.created) + len(self.updated) + len(self.removed) >= AUDIT_CHUNK:
            self._flush()

    def _flush(self) -> None:
        report = self.report
        details: dict[str, Any] = {"file": report.file_name, "kind": self.fmt.kind, "part": self.calls + 1}
        if self.calls == 0:
            details.update(rows=report.rows, unchanged=report.rows - report.created - report.updated)
            if self.creations_summarised:
                details.update(created=report.created, created_at=self.now.isoformat(), created_events=False)
        audit.record_bulk_changes(
            self.actor,
            self.fmt.model,
            created=self.created,
            updated=self.updated,
            deleted=self.removed,
            plan=self.plan,
            partner=self.partner,
            details=details,
            channel=self.channel,
        )
        self.calls += 1
        self.created, self.updated, self.removed = [], [], []

    def finish(self) -> None:
        """Flush what is queued; an import that changed nothing is still recorded once."""
        if self.created or self.updated or self.removed or not self.calls:
            self._flush()
