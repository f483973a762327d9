"""Record endpoints, one set per record kind (`/api/records/<kind>`): list, create, bulk create, read, update,
delete. Every list goes through `copil.access.policy.visible_records` and every write through
`copil.records.actions`, acting as the token's partner."""

import math
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Path, Query, Router
from ninja.responses import Status

from copil.access import policy
from copil.access.audit import record_read
from copil.formats import (
    ErrorCode,
    ParsedRow,
    RowParser,
    prefetch_paths,
    record_cells,
    related_paths,
    validation_errors,
)
from copil.plans.models import Partner
from copil.records import listing
from copil.records.actions import create_record, delete_record, update_record
from copil.records.models import RECORD_KINDS, Record

from .errors import FieldErrors
from .schemas import MAX_ID, MAX_INTEGER, RECORD_SCHEMAS, RecordSchemas, error_responses

router = Router(tags=["enregistrements"])


def token_plan(request: HttpRequest) -> Any:
    return request.auth.api_token.partner.plan


def record_out(record: Record) -> dict[str, Any]:
    """A record as the API returns it (schema `<Kind>Out`)."""
    return {
        "id": record.pk,
        "version": record.version,
        "plan": record.plan.slug,
        "partenaire": record.partner.code,
        "cree_le": record.created_at,
        "modifie_le": record.updated_at,
        **record_cells(record, typed=True),
    }


def _reload(kind: str, record: Record) -> Record:
    """The record as written, with what `record_out` reads."""
    queryset = RECORD_KINDS[kind].objects.select_related("plan", "partner", *related_paths(kind))
    return queryset.prefetch_related(*prefetch_paths(kind)).get(pk=record.pk)


def _partner_for_create(principal: Any, kind: str, plan: Any, code: str | None, loc: list) -> Partner:
    """The partner a new record belongs to: the token's, or one named by code that the token may create for."""
    if not code:
        partner = principal.api_token.partner
    else:
        partner = Partner.objects.filter(plan=plan, code=code).first()
        if partner is None:
            reason = _("unknown partner « {code} »").format(code=code)
            raise FieldErrors([([*loc, "partenaire"], reason, "unknown_partner", ErrorCode.UNKNOWN_PARTNER.value)])
    policy.require(principal, "create", kind, partner)
    return partner


def _parse(parser: RowParser, body: dict, loc: list, instance: Record | None = None) -> ParsedRow:
    parsed = parser.parse(body, instance=instance)
    if parsed.errors:
        raise FieldErrors(
            [
                ([*loc, column], refusal.reason, "invalid", refusal.code.value)
                for column, refusals in parsed.errors.items()
                for refusal in refusals
            ]
        )
    return parsed


def _model_errors(schemas: RecordSchemas, error: ValidationError, loc: list) -> FieldErrors:
    return FieldErrors(
        [
            ([*loc, column] if column else loc, message, "invalid", ErrorCode.INVALID_RECORD.value)
            for column, messages in validation_errors(schemas.fmt, error).items()
            for message in messages
        ]
    )


def _columns(payload: Any) -> dict[str, Any]:
    data = payload.model_dump()
    data.pop("partenaire", None)
    data.pop("version", None)
    return data


def _visible_or_404(principal: Any, kind: str, plan: Any, record_id: int) -> Record:
    if not policy.can(principal, "read", kind, plan=plan):
        raise PermissionDenied(policy.denial_message("read", kind))
    record = listing.visible(principal, kind, plan).filter(pk=record_id).first()
    if record is None:
        raise Http404
    return record


def register(kind: str, schemas: RecordSchemas) -> None:
    """Add the endpoints of one record kind to the router."""
    label = listing.kind_label(kind)
    path = f"/{kind}"
    RecordId = Path(..., ge=1, le=MAX_ID, description="Identifiant (id) de l'enregistrement.")  # noqa: N806
    Filters, CreateIn, UpdateIn, BulkIn = schemas.filters, schemas.create, schemas.update, schemas.bulk  # noqa: N806

    def list_records(request: HttpRequest, filters: Query[Filters]) -> Any:  # type: ignore[valid-type]
        principal, plan = request.auth, token_plan(request)
        if not policy.can(principal, "read", kind, plan=plan):
            raise PermissionDenied(policy.denial_message("read", kind))
        choices = {}
        for column in listing.choice_columns(kind):
            spelled = getattr(filters, column.name)
            if spelled:
                choices[column.name] = next(o.code for o in column.options if o.canonical == spelled)
        wanted = listing.RecordFilters(start=filters.du, end=filters.au, partner=filters.partenaire, choices=choices)
        records = listing.filtered(listing.visible(principal, kind, plan), kind, wanted)
        records, _key = listing.ordered(records, kind, filters.tri)
        count = records.count()
        start = (filters.page - 1) * filters.taille
        results = [record_out(record) for record in records[start : start + filters.taille]]
        details = {**wanted.as_details(), "page": filters.page, "taille": filters.taille}
        record_read(principal, kind, rows=len(results), filters=details, plan=plan)
        return {
            "count": count,
            "page": filters.page,
            "pages": max(1, math.ceil(count / filters.taille)),
            "results": results,
        }

    def create(request: HttpRequest, payload: CreateIn) -> Any:  # type: ignore[valid-type]
        principal, plan = request.auth, token_plan(request)
        partner = _partner_for_create(principal, kind, plan, payload.partenaire, ["body"])
        parsed = _parse(RowParser(kind, plan, partner, actor=principal), _columns(payload), ["body"])
        try:
            record = create_record(principal, kind, plan=plan, partner=partner, data=parsed.data)
        except ValidationError as error:
            raise _model_errors(schemas, error, ["body"]) from None
        return Status(201, record_out(_reload(kind, record)))

    def bulk_create(request: HttpRequest, payload: BulkIn) -> Any:  # type: ignore[valid-type]
        principal, plan = request.auth, token_plan(request)
        errors: list = []
        rows: list[tuple[Partner, ParsedRow]] = []
        seen: dict[tuple[int, str], int] = {}
        parsers: dict[int, RowParser] = {}
        for index, item in enumerate(payload.items):
            loc = ["body", "items", index]
            try:
                partner = _partner_for_create(principal, kind, plan, item.partenaire, loc)
                if partner.pk not in parsers:
                    parsers[partner.pk] = RowParser(kind, plan, partner, actor=principal)
                parsed = _parse(parsers[partner.pk], _columns(item), loc)
            except FieldErrors as invalid:
                errors.extend(invalid.errors)
                continue
            key = (partner.pk, parsed.data["external_id"])
            if key in seen:
                message = _("identifier « {value} » already given to item {index}").format(
                    value=key[1], index=seen[key]
                )
                errors.append(([*loc, "identifiant"], message, "duplicate", ErrorCode.DUPLICATE_IDENTIFIER.value))
                continue
            seen[key] = index
            rows.append((partner, parsed))
        if errors:
            raise FieldErrors(errors)
        created = []
        with transaction.atomic():
            for index, (partner, parsed) in enumerate(rows):
                try:
                    created.append(create_record(principal, kind, plan=plan, partner=partner, data=parsed.data))
                except ValidationError as error:
                    raise _model_errors(schemas, error, ["body", "items", index]) from None
        return Status(201, {"results": [record_out(_reload(kind, record)) for record in created]})

    def retrieve(request: HttpRequest, record_id: int = RecordId) -> Any:
        record = _visible_or_404(request.auth, kind, token_plan(request), record_id)
        record_read(request.auth, kind, rows=1, obj=record)
        return record_out(record)

    def update(request: HttpRequest, payload: UpdateIn, record_id: int = RecordId) -> Any:  # type: ignore[valid-type]
        principal, plan = request.auth, token_plan(request)
        record = _visible_or_404(principal, kind, plan, record_id)
        policy.require(principal, "update", kind, record.partner)
        parser = RowParser(kind, plan, record.partner, actor=principal)
        parsed = _parse(parser, _columns(payload), ["body"], instance=record)
        try:
            update_record(principal, record, parsed.data, expected_version=payload.version)
        except ValidationError as error:
            raise _model_errors(schemas, error, ["body"]) from None
        return record_out(_reload(kind, record))

    def delete(
        request: HttpRequest,
        record_id: int = RecordId,
        version: int = Query(..., ge=1, le=MAX_INTEGER, description="Version lue de l'enregistrement."),
    ) -> Any:
        principal, plan = request.auth, token_plan(request)
        record = _visible_or_404(principal, kind, plan, record_id)
        policy.require(principal, "delete", kind, record.partner)
        delete_record(principal, record, expected_version=version)
        return Status(204, None)

    router.add_api_operation(
        path,
        ["GET"],
        list_records,
        response={200: schemas.page, **error_responses(403)},
        operation_id=f"list_{kind}",
        summary=f"Lister : {label}",
        description="Enregistrements visibles par le jeton, filtrés, triés et paginés.",
    )
    router.add_api_operation(
        path,
        ["POST"],
        create,
        response={201: schemas.output, **error_responses(403)},
        operation_id=f"create_{kind}",
        summary=f"Créer : {label}",
    )
    router.add_api_operation(
        f"{path}/bulk",
        ["POST"],
        bulk_create,
        response={201: schemas.bulk_output, **error_responses(403)},
        operation_id=f"bulk_create_{kind}",
        summary=f"Créer en lot (tout ou rien) : {label}",
        description="Tous les éléments sont créés, ou aucun : chaque erreur donne l'indice de l'élément et la colonne.",
    )
    router.add_api_operation(
        f"{path}/{{record_id}}",
        ["GET"],
        retrieve,
        response={200: schemas.output, **error_responses(403, 404)},
        operation_id=f"get_{kind}",
        summary=f"Lire : {label}",
    )
    router.add_api_operation(
        f"{path}/{{record_id}}",
        ["PUT"],
        update,
        response={200: schemas.output, **error_responses(403, 404, 409)},
        operation_id=f"update_{kind}",
        summary=f"Modifier : {label}",
        description="Remplace les valeurs ; `version` doit être celle lue, sinon 409 (modification concurrente).",
    )
    router.add_api_operation(
        f"{path}/{{record_id}}",
        ["DELETE"],
        delete,
        response={204: None, **error_responses(403, 404, 409)},
        operation_id=f"delete_{kind}",
        summary=f"Supprimer : {label}",
    )


for _kind, _schemas in RECORD_SCHEMAS.items():
    register(_kind, _schemas)

assert set(RECORD_SCHEMAS) == set(RECORD_KINDS)
