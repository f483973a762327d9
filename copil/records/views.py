"""Pages of the records: list (filters, sorting, pagination, CSV/XLSX export), detail with history, and the
forms creating, correcting and deleting one record.

Records are listed with `copil.access.policy.visible_records` (through `copil.records.listing`) and changed
with `copil.records.actions`, which check the policy and write the audit trail; an edit carries the version
it was made on, so a concurrent change is reported rather than overwritten.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters

from copil.access import policy
from copil.access.actors import Actor
from copil.access.audit import object_type, record_event, record_read
from copil.access.models import AuditEvent
from copil.formats import (
    FORMATS,
    Column,
    ColumnType,
    RecordFormat,
    column_of_field,
    display_cells,
    display_value,
    reference_label,
    validation_errors,
)
from copil.plans.models import Partner, Plan
from copil.records import listing
from copil.records.actions import StaleRecord, create_record, delete_record, update_record
from copil.records.forms import IDENTITY_FIELDS, RecordFilterForm, RecordForm
from copil.records.models import RECORD_KINDS, Record

PAGE_SIZE = 50
HISTORY_LIMIT = 200


def _kind_or_404(kind: str) -> str:
    if kind not in RECORD_KINDS:
        raise Http404(kind)
    return kind


def _require_read(user: Actor, kind: str) -> None:
    if not policy.may_somewhere(user, "read", kind):
        raise PermissionDenied(policy.denial_message("read", kind))


def _visible_record(user: Actor, kind: str, pk: int) -> Record:
    _require_read(user, kind)
    record = listing.visible(user, kind).filter(pk=pk).first()
    if record is None:
        raise Http404(pk)
    return record


def _charter_gate(request: HttpRequest, kind: str, plans: Any) -> HttpResponse | None:
    """Person-level pages of a plan whose charter the member has not accepted show the charter instead."""
    from copil.signalements.views import person_level_gate

    return person_level_gate(request, kind, plans)


def _context(kind: str, **extra: Any) -> dict[str, Any]:
    fmt = FORMATS[kind]
    return {
        "kind": kind,
        "format": fmt,
        "label": listing.kind_label(kind),
        "label_singular": listing.kind_label(kind, plural=False),
        **extra,
    }


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """The record kinds the user may read or create, with links to their lists, the imports and API tokens."""
    user = request.user
    kinds = [
        {
            "kind": kind,
            "label": listing.kind_label(kind),
            "read": policy.may_somewhere(user, "read", kind),
            "create": policy.may_somewhere(user, "create", kind),
        }
        for kind in RECORD_KINDS
    ]
    kinds = [entry for entry in kinds if entry["read"] or entry["create"]]
    kinds.sort(key=lambda entry: str(entry["label"]))
    return render(request, "records/index.html", {"kinds": kinds})


@login_required
def record_list(request: HttpRequest, kind: str) -> HttpResponse | StreamingHttpResponse:
    """The records of a kind the user may read, filtered (`plan`, `du`, `au`, `partenaire`, choice columns),
    sorted (`tri`), paginated (`page`), or exported (`export=csv|xlsx`, audited)."""
    kind = _kind_or_404(kind)
    user = request.user
    _require_read(user, kind)
    plans = policy.plans_where(user, "read", kind).order_by("name")
    if (gate := _charter_gate(request, kind, plans)) is not None:
        return gate
    form = RecordFilterForm(request.GET or None, kind=kind, plans=plans)
    records = listing.visible(user, kind)
    filters = listing.RecordFilters()
    if form.is_bound:
        if form.is_valid():
            data = form.cleaned_data
            filters = listing.RecordFilters(
                plan=data.get("plan") or None,
                start=data.get("du"),
                end=data.get("au"),
                partner=data.get("partenaire") or None,
                choices={c.name: data[c.name] for c in form.choice_columns if data.get(c.name)},
            )
            records = listing.filtered(records, kind, filters)
        else:
            records = records.none()
    records, sort = listing.ordered(records, kind, request.GET.get("tri"))
    export = request.GET.get("export")
    if export in listing.EXPORT_FORMATS:
        return _export(request, kind, records, filters, export)
    page = Paginator(records, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(record, display_cells(record)) for record in page.object_list]
    plan = Plan.objects.filter(slug=filters.plan).first() if filters.plan else None
    details = {**filters.as_details(), "page": page.number}
    record_read(user, kind, rows=len(rows), filters=details, plan=plan)
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("export", None)
    sort_query = query.copy()
    sort_query.pop("tri", None)
    return render(
        request,
        "records/list.html",
        _context(
            kind,
            form=form,
            page=page,
            rows=rows,
            columns=FORMATS[kind].columns,
            sortable=set(listing.sortable_columns(kind)),
            sort=sort,
            query=query.urlencode(),
            sort_query=sort_query.urlencode(),
            can_create=policy.may_somewhere(user, "create", kind),
        ),
    )


def _export(
    request: HttpRequest, kind: str, records: Any, filters: listing.RecordFilters, export: str
) -> HttpResponse | StreamingHttpResponse:
    plan = Plan.objects.filter(slug=filters.plan).first() if filters.plan else None
    record_event(
        request.user,
        AuditEvent.Action.EXPORT,
        plan=plan,
        details={"kind": kind, "format": export, "filters": filters.as_details(), "rows": records.count()},
    )
    name = listing.export_file_name(kind, export)
    disposition = {"Content-Disposition": content_disposition_header(True, name)}
    if export == "csv":
        return StreamingHttpResponse(
            listing.csv_chunks(kind, records.iterator(chunk_size=2000)),
            content_type="text/csv; charset=utf-8",
            headers=disposition,
        )
    content = listing.xlsx_bytes(kind, records.iterator(chunk_size=2000))
    return HttpResponse(content, content_type=listing.XLSX_CONTENT_TYPE, headers=disposition)


@login_required
def record_detail(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """One record, its values and its history (the audit trail's entries about it)."""
    kind = _kind_or_404(kind)
    record = _visible_record(request.user, kind, pk)
    if (gate := _charter_gate(request, kind, record.plan)) is not None:
        return gate
    model = RECORD_KINDS[kind]
    history = list(
        AuditEvent.objects.filter(object_type=object_type(model), object_id=str(record.pk))
        .exclude(action=AuditEvent.Action.READ)
        .order_by("-at", "-pk")[:HISTORY_LIMIT]
    )
    record_read(request.user, kind, rows=1, obj=record)
    columns = FORMATS[kind].columns
    cells = display_cells(record)
    return render(
        request,
        "records/detail.html",
        _context(
            kind,
            record=record,
            values=[(column, cells[column.name]) for column in columns],
            history=[(event, _changes(kind, event)) for event in history],
            can_update=policy.can(request.user, "update", kind, record.partner),
            can_delete=policy.can(request.user, "delete", kind, record.partner),
        ),
    )


def _changes(kind: str, event: AuditEvent) -> list[tuple[str, str, str]]:
    """(column title, before, after) of each value an update changed, as the page shows values (« 13 kg »,
    « 12/03/2024 », French labels); nothing for other events."""
    if event.action != AuditEvent.Action.UPDATE or not isinstance(event.before, dict):
        return []
    fmt = FORMATS[kind]
    after = event.after if isinstance(event.after, dict) else {}
    skip = {"version", "updated_at"}
    changes = []
    for name in after:
        if name in skip or event.before.get(name) == after.get(name):
            continue
        column_name = column_of_field(fmt, name)
        if column_name is None:
            changes.append((name, str(event.before.get(name) or "—"), str(after.get(name) or "—")))
            continue
        column = fmt.column(column_name)
        changes.append(
            (
                column.title,
                _history_value(fmt, column, event.before.get(name), event.before),
                _history_value(fmt, column, after.get(name), after),
            )
        )
    return changes


def _history_value(fmt: RecordFormat, column: Column, stored: Any, state: dict[str, Any]) -> str:
    """A value of the audit trail (as stored: ISO dates, decimal text, primary keys) as the page shows it; a
    quantity with the unit the record had then."""
    if stored is None or stored == "" or stored == []:
        return "—"
    if column.type == ColumnType.REFERENCE:
        target = RECORD_KINDS[column.references]._default_manager.filter(pk=stored).first()
        return reference_label(target) if target is not None else "—"
    if column.type == ColumnType.PARTNERS:
        return ", ".join(Partner.objects.filter(pk__in=stored).order_by("name").values_list("name", flat=True))
    try:
        value = getattr(fmt.model._meta.get_field(column.field), "to_python")(stored)  # noqa: B009 - a relation has none
    except ValidationError:
        return str(stored)
    text = display_value(fmt, column, value)
    unit = state.get("unit") if column.field == "quantity" else None
    if unit:
        text = f"{text}\u00a0{unit if unit in {'g', 'kg'} else fmt.choice_labels(fmt.column('unite')).get(unit, unit)}"
    return text


def _plan_for_create(request: HttpRequest, kind: str) -> Plan | None:
    """The plan a new record goes in: `?plan=` (or the only plan where the user may create one)."""
    plans = policy.plans_where(request.user, "create", kind).order_by("name")
    slug = request.GET.get("plan") or request.POST.get("plan")
    if slug:
        plan = plans.filter(slug=slug).first()
        if plan is None:
            raise Http404(slug)
        return plan
    candidates = list(plans[:2])
    return candidates[0] if len(candidates) == 1 else None


@login_required
@sensitive_post_parameters(*IDENTITY_FIELDS)
def record_create(request: HttpRequest, kind: str) -> HttpResponse:
    """A new record, for a partner the user may create it for."""
    kind = _kind_or_404(kind)
    user = request.user
    if not policy.may_somewhere(user, "create", kind):
        raise PermissionDenied(policy.denial_message("create", kind))
    plan = _plan_for_create(request, kind)
    if plan is None:
        plans = policy.plans_where(user, "create", kind).order_by("name")
        return render(request, "records/choose_plan.html", _context(kind, plans=plans))
    if (gate := _charter_gate(request, kind, plan)) is not None:
        return gate
    form = RecordForm(request.POST or None, kind=kind, user=user, plan=plan)
    if request.method == "POST" and form.is_valid():
        try:
            record = create_record(
                user, kind, plan=plan, partner=form.cleaned_data["partenaire"], data=form.record_data
            )
        except ValidationError as error:
            form.add_model_errors(validation_errors(FORMATS[kind], error))
        else:
            messages.success(request, _("Record created."))
            return HttpResponseRedirect(reverse("records:detail", args=[kind, record.pk]))
    status = 400 if form.is_bound else 200
    return render(request, "records/form.html", _context(kind, form=form, plan=plan, record=None), status=status)


@login_required
@sensitive_post_parameters(*IDENTITY_FIELDS)
def record_update(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """Correct a record. The form carries the version it shows: if someone changed the record meanwhile, the
    change is refused with the conflict message (HTTP 409) and nothing is overwritten."""
    kind = _kind_or_404(kind)
    user = request.user
    record = _visible_record(user, kind, pk)
    policy.require(user, "update", kind, record.partner)
    if (gate := _charter_gate(request, kind, record.plan)) is not None:
        return gate
    form = RecordForm(request.POST or None, kind=kind, user=user, plan=record.plan, instance=record)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                update_record(user, record, form.record_data, expected_version=form.cleaned_data["version"])
            except StaleRecord as stale:
                form.add_error(None, str(stale))
                status = 409
            except ValidationError as error:
                form.add_model_errors(validation_errors(FORMATS[kind], error))
            else:
                messages.success(request, _("Record saved."))
                return HttpResponseRedirect(reverse("records:detail", args=[kind, record.pk]))
    return render(
        request, "records/form.html", _context(kind, form=form, plan=record.plan, record=record), status=status
    )


@login_required
def record_delete(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """Delete a record after confirmation (at the version shown, like an edit)."""
    kind = _kind_or_404(kind)
    user = request.user
    record = _visible_record(user, kind, pk)
    policy.require(user, "delete", kind, record.partner)
    if (gate := _charter_gate(request, kind, record.plan)) is not None:
        return gate
    error, status = "", 200
    if request.method == "POST":
        version = request.POST.get("version", "")
        if not version.isdigit():
            error, status = _("The form is incomplete: reload the page and try again."), 400
        else:
            try:
                delete_record(user, record, expected_version=int(version))
            except StaleRecord as stale:
                error, status = str(stale), 409
            else:
                messages.success(request, _("Record deleted."))
                return HttpResponseRedirect(reverse("records:list", args=[kind]))
    return render(request, "records/delete.html", _context(kind, record=record, error=error), status=status)
