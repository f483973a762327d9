"""The API's JSON schemas, built from the record formats (`copil.formats`) and the record models.

A record travels under the names of its import format's columns (`identifiant`, `date`, `substance`,
`quantite`…), its enumerations under their published canonical spellings (« héroïne », « kg »), so a partner's
system sends the same values as its files. The schemas carry what a JSON Schema can say (types, lengths,
ranges, enumerations); the rest (dates neither before 2000 nor in the future, paired dates in order,
references) is checked by the importer's rules (`copil.formats.RowParser`) and reported the same way.
"""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.db import models
from ninja import Schema
from pydantic import ConfigDict, Field, create_model

from copil.formats import FORMATS, Column, ColumnType, RecordFormat
from copil.records.listing import sortable_columns

MAX_INTEGER = 2_147_483_647  # PositiveIntegerField
MAX_ID = 9_223_372_036_854_775_807  # 64-bit primary keys
MAX_BULK = 1000
MAX_PAGE_SIZE = 500
MAX_PAGE = 1_000_000
CODE_LENGTH = 50
SLUG_PATTERN = r"^[-a-zA-Z0-9_]+$"

Number = int | float | str | None  # a figure, or « < 5 » / « s » where disclosure control withholds it


class ErrorOut(Schema):
    detail: str = Field(description="Message en français.")


class FieldError(Schema):
    loc: list[str | int] = Field(description="Chemin du champ : « body », indice de l'élément, nom de la colonne…")
    msg: str = Field(description="Raison, en français.")
    type: str
    code: str | None = Field(
        None, description="Code stable de la raison quand une valeur est refusée (« required », « invalid_date »…)."
    )


class ValidationErrorOut(Schema):
    detail: list[FieldError]


def error_responses(*codes: int) -> dict[int, Any]:
    """Error responses of an operation: the given statuses with a message, plus 400/401 and 422 (field paths)."""
    responses: dict[int, Any] = {code: ErrorOut for code in {400, 401, *codes}}
    responses[422] = ValidationErrorOut
    return responses


# --- records ------------------------------------------------------------------------------------------------------


def _model_field(fmt: RecordFormat, column: Column) -> models.Field:
    return fmt.model._meta.get_field(column.field)


def _describe(column: Column) -> dict[str, Any]:
    return {"title": column.title or column.name, "description": column.description}


def _input_field(fmt: RecordFormat, column: Column) -> tuple[Any, Any]:
    """(annotation, default) of a column in a request body."""
    meta = _describe(column)
    kind = column.type
    if kind == ColumnType.PARTNERS:
        code = Annotated[str, Field(max_length=CODE_LENGTH)]
        return list[code], Field(..., min_length=1, max_length=100, **meta)
    if kind == ColumnType.BOOLEAN:
        return bool, Field(False, **meta)
    if kind == ColumnType.TEXT:
        max_length = _model_field(fmt, column).max_length
        if column.pattern:  # an optional column may be left empty
            meta["pattern"] = f"^{column.pattern}$" if column.required else f"^(?:{column.pattern})?$"
        if column.required:
            return str, Field(..., min_length=1, max_length=max_length, **meta)
        return str | None, Field(None, max_length=max_length, **meta)
    if kind == ColumnType.REFERENCE:
        return str | None, Field(None, max_length=2 * CODE_LENGTH + 101, **meta)
    if kind == ColumnType.CHOICE:
        base: Any = Literal[tuple(column.enum)]
    elif kind == ColumnType.INTEGER:
        base = Annotated[int, Field(ge=int(column.minimum or 0), le=MAX_INTEGER)]
    elif kind == ColumnType.DECIMAL:
        bounds: dict[str, Any] = {}
        if column.minimum is not None:
            bounds["gt" if column.exclusive_minimum else "ge"] = Decimal(str(column.minimum))
        if column.maximum is not None:
            bounds["le"] = Decimal(str(column.maximum))
        base = Annotated[Decimal, Field(allow_inf_nan=False, **bounds)]
    elif kind == ColumnType.DATE:
        base = dt.date
    elif kind == ColumnType.DATETIME:
        base = dt.datetime
    else:  # pragma: no cover - every column type is handled above
        raise ValueError(kind)
    if column.required:
        return base, Field(..., **meta)
    return base | None, Field(None, **meta)


def _output_field(fmt: RecordFormat, column: Column) -> tuple[Any, Any]:
    """(annotation, default) of a column in a response."""
    meta = _describe(column)
    kind = column.type
    types: dict[ColumnType, Any] = {
        ColumnType.TEXT: str,
        ColumnType.INTEGER: int,
        ColumnType.DECIMAL: Decimal,
        ColumnType.DATE: dt.date,
        ColumnType.DATETIME: dt.datetime,
        ColumnType.BOOLEAN: bool,
        ColumnType.REFERENCE: str,
        ColumnType.PARTNERS: list[str],
    }
    base = Literal[tuple(column.enum)] if kind == ColumnType.CHOICE else types[kind]
    field = _model_field(fmt, column)
    # What the database can hold decides (records entered elsewhere may lack what the format requires).
    always = kind in {ColumnType.BOOLEAN, ColumnType.PARTNERS} or (not field.null and not field.blank)
    if always and kind != ColumnType.REFERENCE:
        return base, Field(..., **meta)
    return base | None, Field(None, **meta)


class _Input(Schema):
    model_config = ConfigDict(extra="forbid")


class _Output(Schema):
    id: int
    version: int = Field(description="Version de l'enregistrement, à renvoyer pour le modifier ou le supprimer.")
    plan: str = Field(description="Identifiant (slug) du plan.")
    partenaire: str = Field(description="Code du partenaire auquel l'enregistrement appartient.")
    cree_le: dt.datetime
    modifie_le: dt.datetime


class RecordSchemas:
    """The schemas of one record kind: create, update (with `version`), response, page of a list, filters."""

    def __init__(self, kind: str):
        fmt = FORMATS[kind]
        self.kind, self.fmt = kind, fmt
        name = "".join(part.title() for part in kind.split("_"))
        columns = {column.name: _input_field(fmt, column) for column in fmt.columns}
        partner = Field(
            None,
            max_length=CODE_LENGTH,
            pattern=SLUG_PATTERN,
            description="Code du partenaire pour lequel créer l'enregistrement ; par défaut, celui du jeton.",
        )
        self.create = create_model(f"{name}In", __base__=_Input, partenaire=(str | None, partner), **columns)
        version = Field(
            ..., ge=1, le=MAX_INTEGER, description="Version lue, pour détecter une modification concurrente."
        )
        self.update = create_model(f"{name}Update", __base__=_Input, version=(int, version), **columns)
        outputs = {column.name: _output_field(fmt, column) for column in fmt.columns}
        self.output = create_model(f"{name}Out", __base__=_Output, **outputs)
        self.page = create_model(
            f"{name}Page",
            __base__=Schema,
            count=(int, ...),
            page=(int, ...),
            pages=(int, ...),
            results=(list[self.output], ...),
        )
        self.bulk = create_model(
            f"{name}Bulk",
            __base__=_Input,
            items=(list[self.create], Field(..., min_length=1, max_length=MAX_BULK)),
        )
        self.bulk_output = create_model(f"{name}BulkOut", __base__=Schema, results=(list[self.output], ...))
        self.filters = create_model(f"{name}Filters", __base__=Schema, **self._filters())

    def _filters(self) -> dict[str, Any]:
        fields: dict[str, Any] = {
            "du": (dt.date | None, Field(None, description="Premier jour (date de la colonne de période).")),
            "au": (dt.date | None, Field(None, description="Dernier jour, inclus.")),
            "partenaire": (str | None, Field(None, max_length=CODE_LENGTH, pattern=SLUG_PATTERN)),
        }
        for column in self.fmt.columns:
            if column.type == ColumnType.CHOICE:
                fields[column.name] = (Literal[tuple(column.enum)] | None, Field(None, title=column.title))
        keys = sortable_columns(self.kind)
        sort_keys = Literal[tuple(keys + [f"-{key}" for key in keys])]
        fields["tri"] = (sort_keys | None, Field(None, description="Colonne de tri ; « - » devant : décroissant."))
        fields["page"] = (int, Field(1, ge=1, le=MAX_PAGE))
        fields["taille"] = (int, Field(50, ge=1, le=MAX_PAGE_SIZE, description="Enregistrements par page."))
        return fields


RECORD_SCHEMAS: dict[str, RecordSchemas] = {kind: RecordSchemas(kind) for kind in FORMATS}


# --- indicators and bilan -----------------------------------------------------------------------------------------


class PeriodOut(Schema):
    start: dt.date
    end: dt.date
    label: str


class SourceOut(Schema):
    partner: str
    records: int | str


class IndicatorOut(Schema):
    code: str
    label: str
    unit: str
    axis: str
    aggregation: str
    suppressed: bool = Field(description="Vrai si les petits effectifs sont masqués pour ce jeton (« < 5 », « s »).")
    value: Number = None
    breakdown: dict[str, Number] = Field(default_factory=dict)
    start_value: Number = None
    change: Number = None
    minimum: Number = None
    maximum: Number = None
    mean: Number = None
    days: int | None = None
    baseline_value: Number = None
    baseline_label: str | None = None
    target: Number = None
    attainment: Number = None
    target_met: bool | None = None
    per_10000: Number = None
    population: int | None = None
    record_count: int | str
    sources: list[SourceOut] = Field(default_factory=list)
    as_of: dt.date | None = None


class ScopeOut(Schema):
    plan: str | None = None
    territory: str | None = None
    name: str


class IndicatorsOut(Schema):
    scope: ScopeOut
    period: PeriodOut
    indicators: list[IndicatorOut]
    hidden: list[str] = Field(default_factory=list, description="Indicateurs demandés que ce jeton ne peut pas voir.")


class SentenceOut(Schema):
    text: str
    notes: list[int]


class SectionOut(Schema):
    axis: str
    title: str
    sentences: list[SentenceOut]


class FootnoteOut(Schema):
    number: int
    text: str


class BilanOut(Schema):
    plan: str
    period: PeriodOut
    title: str
    introduction: str
    published: bool = Field(description="Variante publiée : petits effectifs de personnes masqués.")
    generated_at: dt.datetime
    sections: list[SectionOut]
    footnotes: list[FootnoteOut]
