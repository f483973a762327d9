"""One record in its format, for the channels that handle records one at a time (web forms, JSON API).

`RowParser` checks the values of one record exactly as the importer checks a row of a file — the same cell
parsers (`copil.formats.cells`), ranges, dates, enumeration spellings, reference rule, codes and French
reasons — and turns them into the field values `copil.records.actions.create_record` / `update_record` take.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from copil.access.actors import Actor
from copil.formats.catalogue import FORMATS
from copil.formats.cells import CellParsers, Converter, check_storable_text, parse_parties
from copil.formats.columns import Column, ColumnType, RecordFormat
from copil.formats.errors import CellError, ErrorCode
from copil.formats.references import referable_records, split_reference, unknown_reference
from copil.plans.models import Partner, Plan
from copil.records.models import RECORD_KINDS, Record

ID_COLUMN = "identifiant"


@dataclass
class ParsedRow:
    """Field values ready for `create_record`/`update_record` (foreign keys as `<field>_id`, signatories as a
    list of partner primary keys), or the refusals of each column."""

    data: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, list[CellError]] = field(default_factory=dict)

    @property
    def valid(self) -> bool:
        return not self.errors

    def add_error(self, column: str, error: CellError) -> None:
        self.errors.setdefault(column, []).append(error)


def column_of_field(fmt: RecordFormat, name: str) -> str | None:
    """The column a model field (name or attname) is entered in, if any."""
    base = name[:-3] if name.endswith("_id") else name
    return next((c.name for c in fmt.columns if c.field in {name, base}), None)


def validation_errors(fmt: RecordFormat, error: ValidationError) -> dict[str, list[str]]:
    """A model's ValidationError (from `create_record`/`update_record`) by column; "" for what no column holds."""
    errors: dict[str, list[str]] = {}
    if hasattr(error, "error_dict"):
        for name, messages in error.message_dict.items():
            column = column_of_field(fmt, name) or ""
            errors.setdefault(column, []).extend(messages)
    else:
        errors[""] = list(error.messages)
    return errors


class RowParser:
    """Checks and converts the cells of one record of `kind` entered for `partner` in `plan`.

    `actor`: references must name records this user may read (None: the system; `copil.formats.references`).
    """

    def __init__(self, kind: str, plan: Plan, partner: Partner, *, actor: Actor = None):
        self.kind = kind
        self.fmt = FORMATS[kind]
        self.model = RECORD_KINDS[kind]
        self.plan, self.partner, self.actor = plan, partner, actor
        self.partners_by_code = {p.code.lower(): p.pk for p in Partner.objects.filter(plan=plan)}
        self.partner_codes = {pk: code for code, pk in self.partners_by_code.items()}
        # Aware date-times come back as ISO 8601 text with their offset whatever the database (read below).
        self.parsers = CellParsers(self.fmt)
        self.converters: dict[str, Converter] = {
            column.name: self.parsers.converter(column)
            for column in self.fmt.columns
            if column.type not in {ColumnType.REFERENCE, ColumnType.PARTNERS}
        }

    def parse(self, cells: Mapping[str, Any], *, instance: Record | None = None) -> ParsedRow:
        """Every column of the format from `cells` (column name -> text or typed value; a missing column is an
        empty cell). `instance`: the record being changed, whose own identifier is not a duplicate."""
        row = ParsedRow()
        values: dict[str, Any] = {}
        for column in self.fmt.columns:
            raw = cells.get(column.name)
            try:
                if isinstance(raw, list | tuple) and column.type != ColumnType.PARTNERS:
                    raise CellError(ErrorCode.INVALID_VALUE, _("invalid value « {value} »").format(value=raw))
                for text in raw if isinstance(raw, list | tuple) else [raw]:
                    check_storable_text(text)
                values[column.name] = self._convert(column, raw)
            except CellError as invalid:
                row.add_error(column.name, invalid)
            except (ValueError, TypeError, OverflowError, ArithmeticError):
                row.add_error(
                    column.name, CellError(ErrorCode.INVALID_VALUE, _("invalid value « {value} »").format(value=raw))
                )
        self._check_date_order(values, row)
        self._check_identifier(values, row, instance)
        for column in self.fmt.columns:
            if column.name not in values or column.name in row.errors:
                continue
            value = values[column.name]
            if column.type == ColumnType.REFERENCE:
                row.data[self._model_field(column).attname] = value
            else:
                row.data[column.field] = value
        return row

    # conversions

    def _model_field(self, column: Column) -> models.Field[Any, Any]:
        model_field = self.model._meta.get_field(column.field)
        assert isinstance(model_field, models.Field)
        return model_field

    def _convert(self, column: Column, raw: Any) -> Any:
        if column.type == ColumnType.REFERENCE:
            return self._resolve_reference(column, raw)
        if column.type == ColumnType.PARTNERS:
            if isinstance(raw, list | tuple):
                raw = "|".join(str(code) for code in raw)
            stored = parse_parties(raw, self.partners_by_code)
            return [int(pk) for pk in stored.split("|")]
        value = self.converters[column.name](raw)
        if value is None or column.type in {ColumnType.TEXT, ColumnType.CHOICE, ColumnType.BOOLEAN}:
            return value
        if column.type == ColumnType.INTEGER:
            return int(value)
        return self._model_field(column).to_python(value)  # dates, date-times and decimals come back as text

    def _resolve_reference(self, column: Column, raw: Any) -> int | None:
        text = "" if raw is None else str(raw).strip()
        if not text:
            return None
        partner_id, external_id = split_reference(text, self.partners_by_code, self.partner.pk)
        candidates = referable_records(self.actor, column.references, self.plan)
        pk: int | None = (
            candidates.filter(partner_id=partner_id, external_id=external_id).values_list("pk", flat=True).first()
        )
        if pk is None:
            self._refuse_other_plans_partner(text)
            code = self.partner_codes.get(partner_id, "?")
            raise unknown_reference(text, external_id, code, column.references)
        return pk

    def _refuse_other_plans_partner(self, text: str) -> None:
        """A reference « code:identifiant » whose code is a partner of another plan says so, rather than « unknown
        record »: the person typed a real partner, just not one of this plan."""
        prefix, separator, _rest = text.partition(":")
        code = prefix.strip()
        if separator and code and code.lower() not in self.partners_by_code:
            if Partner.objects.filter(code__iexact=code).exclude(plan_id=self.plan.pk).exists():
                raise CellError(
                    ErrorCode.PARTNER_NOT_IN_PLAN,
                    _("{code} is not a partner of this plan").format(code=code),
                )

    # checks over several columns

    def _check_date_order(self, values: dict[str, Any], row: ParsedRow) -> None:
        for earlier, later in self.fmt.date_order:
            start, end = values.get(earlier), values.get(later)
            if isinstance(start, dt.date) and isinstance(end, dt.date) and end < start:
                row.add_error(later, date_order_error(earlier, later, start, end))

    def _check_identifier(self, values: dict[str, Any], row: ParsedRow, instance: Record | None) -> None:
        external_id = values.get(ID_COLUMN)
        if not external_id:
            return
        taken = self.model._default_manager.filter(partner=self.partner, external_id=external_id)
        if instance is not None:
            taken = taken.exclude(pk=instance.pk)
        if taken.exists():
            row.add_error(
                ID_COLUMN,
                CellError(
                    ErrorCode.IDENTIFIER_TAKEN,
                    _("identifier « {value} » is already used by another record of this partner").format(
                        value=external_id
                    ),
                ),
            )


def date_order_error(earlier: str, later: str, start: dt.date, end: dt.date) -> CellError:
    """The refusal of a date (column `later`) before the date it follows (column `earlier`)."""
    return CellError(
        ErrorCode.DATE_ORDER,
        _("date {later} ({end}) precedes {earlier} ({start})").format(
            later=later, end=f"{end:%d/%m/%Y}", earlier=earlier, start=f"{start:%d/%m/%Y}"
        ),
    )
