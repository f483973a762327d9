"""Indicator and bilan endpoints: figures of a plan (or of every plan of a territory) over a period, with the
disclosure rules of `copil.access.policy.aggregate_rule` applied for the token's partner; the committee's bilan
as JSON, HTML, PDF or CSV (the published variant unless the token sees every figure exactly)."""

from decimal import Decimal
from typing import Any, Literal

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from ninja import Path, Query, Router

from copil.access import disclosure as rules
from copil.access import policy
from copil.access.audit import record_event
from copil.access.models import AuditEvent
from copil.indicators.catalogue import IndicatorDefinition, get_catalogue, get_indicator
from copil.indicators.engine import IndicatorResult, compute_many
from copil.indicators.periods import Period, parse_period
from copil.plans.models import Plan, Territory
from copil.reports.bilan import Bilan, build_bilan, suppressed_for
from copil.reports.disclosure import PublishedFigure, part_of, published_figure
from copil.reports.rendering import CONTENT_TYPES, bilan_bytes, bilan_file_name, render_bilan

from .errors import FieldErrors
from .schemas import SLUG_PATTERN, BilanOut, IndicatorsOut, error_responses

router = Router(tags=["indicateurs et bilan"])

DEFAULT_PERIOD = "depuis le début du plan"
PERIOD_HELP = (
    "Période : 2023, 2023-05, 2023-T2, 2023-W14, 2023-01-01..2024-06-30, « 18 mois », « depuis le 1er janvier "
    "2023 », « depuis le début du plan » (par défaut)."
)
CODES_HELP = "Codes d'indicateurs séparés par des virgules ; par défaut, tout le catalogue."

Slug = Path(..., max_length=50, pattern=SLUG_PATTERN, description="Identifiant (slug) du plan.")
InseeCode = Path(..., max_length=10, pattern=r"^[0-9A-Za-z]+$", description="Code INSEE du territoire.")
PeriodQuery = Query(DEFAULT_PERIOD, max_length=100, description=PERIOD_HELP)
CodesQuery = Query(None, max_length=2000, description=CODES_HELP)


def _plan(slug: str) -> Plan:
    plan = Plan.objects.select_related("territory").filter(slug=slug).first()
    if plan is None:
        raise Http404
    return plan


def _period(text: str, *, plan_start: Any = None, plan_end: Any = None) -> Period:
    try:
        return parse_period(text, plan_start=plan_start, plan_end=plan_end)
    except ValueError as error:
        raise FieldErrors([(["query", "period"], str(error), "invalid_period")]) from None


def _definitions(codes: str | None) -> list[IndicatorDefinition]:
    if not codes or not codes.strip():
        return list(get_catalogue().values())
    wanted = [code.strip() for code in codes.split(",") if code.strip()]
    unknown = [code for code in wanted if code not in get_catalogue()]
    if unknown:
        reason = _("unknown indicator « {code} »").format(code=unknown[0])
        raise FieldErrors([(["query", "codes"], reason, "unknown_indicator")])
    return [get_indicator(code) for code in dict.fromkeys(wanted)]


def _rule(principal: Any, definition: IndicatorDefinition, plans: list[Plan]) -> policy.AggregateRule:
    """The strictest rule over the plans a figure adds up (a figure mixing plans is as protected as its
    most protected part)."""
    found = [policy.aggregate_rule(principal, definition, plan=plan) for plan in plans]
    if not found:
        return policy.aggregate_rule(principal, definition)
    return policy.AggregateRule(
        visible=all(r.visible for r in found),
        suppress=any(r.suppress for r in found),
        threshold=max(r.threshold for r in found),
    )


def _counts_persons(definition: IndicatorDefinition) -> bool:
    return definition.aggregation == "distinct" or definition.person_count


def _number(value: Any) -> int | float | None:
    if value is None:
        return None
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _small(value: Any, threshold: int) -> bool:
    return value is not None and 0 < value < threshold


def _indicator(
    result: IndicatorResult, rule: policy.AggregateRule, results: dict[str, IndicatorResult]
) -> dict[str, Any]:
    definition = result.definition
    out: dict[str, Any] = {
        "code": definition.code,
        "label": definition.label,
        "unit": definition.unit,
        "axis": definition.axis,
        "aggregation": definition.aggregation,
        "suppressed": rule.suppress,
        "baseline_label": result.baseline_label,
        "target_met": result.target_met,
        "population": result.population,
        "days": result.days,
        "as_of": result.as_of,
    }
    numbers = ("value", "start_value", "change", "minimum", "maximum", "mean", "baseline_value", "target")
    numbers += ("attainment", "per_10000")
    for name in numbers:
        out[name] = _number(getattr(result, name))
    out["breakdown"] = {key: _number(value) for key, value in result.breakdown.items()}
    out["record_count"] = result.record_count
    out["sources"] = [{"partner": name, "records": count} for name, count in result.sources]
    if rule.suppress:
        _suppress(out, published_figure(result, results, {definition.code}), rule.threshold)
    return out


def _suppress(out: dict[str, Any], figure: PublishedFigure, threshold: int) -> None:
    """The figure as `copil.reports.disclosure.published_figure` lets it out (primary and secondary suppression,
    a part judged against its total, record counts withheld with the value); whatever would reveal a hidden
    value goes too."""
    out["value"] = _shown(_number(figure.value))
    out["breakdown"] = {key: _shown(_number(value)) for key, value in figure.breakdown.items()}
    hidden = isinstance(out["value"], str)
    for name in ("start_value", "baseline_value", "minimum", "maximum", "mean"):
        out[name] = _alone(out[name], threshold)
    if hidden or isinstance(out["start_value"], str):
        for name in ("change", "mean", "attainment", "per_10000"):
            out[name] = None
        out["target_met"] = None
    out["record_count"] = _shown(figure.record_count)
    out["sources"] = [{"partner": name, "records": _shown(count)} for name, count in figure.sources]


def _shown(value: Any) -> Any:
    return str(value) if isinstance(value, rules.Suppressed) else value


def _alone(value: Any, threshold: int) -> Any:
    return f"< {threshold}" if _small(value, threshold) else value


def _period_out(period: Period) -> dict[str, Any]:
    return {"start": period.start, "end": period.end, "label": period.label}


def _indicators(
    principal: Any, definitions: list[IndicatorDefinition], period: Period, plans: list[Plan], **scope: Any
) -> dict[str, Any]:
    rules_by_code = {d.code: _rule(principal, d, plans) for d in definitions}
    shown = [d for d in definitions if rules_by_code[d.code].visible]
    # A part is judged against its total even when the total was not asked for: a second call would give it.
    totals = [total for d in shown if (total := part_of(d, list(get_catalogue().values()))) is not None]
    results = compute_many(list({d.code: d for d in [*shown, *totals]}.values()), period, **scope)
    return {
        "period": _period_out(period),
        "indicators": [_indicator(results[d.code], rules_by_code[d.code], results) for d in shown],
        "hidden": [d.code for d in definitions if not rules_by_code[d.code].visible],
    }


@router.get(
    "/plans/{slug}/indicators",
    response={200: IndicatorsOut, **error_responses(404)},
    operation_id="plan_indicators",
    summary="Indicateurs d'un plan",
)
def plan_indicators(
    request: HttpRequest, slug: str = Slug, period: str = PeriodQuery, codes: str | None = CodesQuery
) -> Any:
    plan = _plan(slug)
    definitions = _definitions(codes)
    body = _indicators(
        request.auth,
        definitions,
        _period(period, plan_start=plan.started_on, plan_end=plan.ended_on),
        [plan],
        plan=plan,
    )
    return {"scope": {"plan": plan.slug, "territory": plan.territory.insee_code, "name": plan.name}, **body}


@router.get(
    "/territories/{insee_code}/indicators",
    response={200: IndicatorsOut, **error_responses(404)},
    operation_id="territory_indicators",
    summary="Indicateurs de tous les plans d'un territoire",
    description=(
        "Somme des plans dont le territoire est celui-ci ou l'un de ses sous-territoires. Les nombres de personnes "
        "distinctes ne s'additionnent pas d'un plan à l'autre (une même personne peut figurer dans deux plans) : "
        "quand le territoire couvre plusieurs plans, ils sont listés dans « hidden »."
    ),
)
def territory_indicators(
    request: HttpRequest, insee_code: str = InseeCode, period: str = PeriodQuery, codes: str | None = CodesQuery
) -> Any:
    territory = Territory.objects.filter(insee_code=insee_code).first()
    if territory is None:
        raise Http404
    definitions = _definitions(codes)
    plans = list(Plan.objects.filter(territory__in=territory.descendants_and_self()))
    parsed = _period(period, plan_start=min((p.started_on for p in plans), default=None))
    # Each plan pseudonymises its persons with its own key: a union of two plans' persons counts the same person twice.
    persons = {d.code for d in definitions if len(plans) > 1 and _counts_persons(d)}
    body = _indicators(
        request.auth, [d for d in definitions if d.code not in persons], parsed, plans, territory=territory
    )
    body["hidden"] = [d.code for d in definitions if d.code in persons or d.code in body["hidden"]]
    return {"scope": {"plan": None, "territory": territory.insee_code, "name": territory.name}, **body}


BILAN_FORMATS = ("json", "html", "pdf", "csv")
BILAN_CONTENT = {
    "text/html": {"schema": {"type": "string"}},
    "application/pdf": {"schema": {"type": "string", "format": "binary"}},
    "text/csv": {"schema": {"type": "string"}},
}


def _bilan_json(bilan: Bilan) -> dict[str, Any]:
    return {
        "plan": bilan.plan.slug,
        "period": _period_out(bilan.period),
        "title": bilan.title,
        "introduction": bilan.introduction,
        "published": bilan.published,
        "generated_at": bilan.generated_at,
        "sections": [
            {
                "axis": section.axis,
                "title": section.title,
                "sentences": [{"text": s.text, "notes": list(s.notes)} for s in section.sentences],
            }
            for section in bilan.sections
        ],
        "footnotes": [{"number": note.number, "text": note.text} for note in bilan.footnotes],
    }


@router.get(
    "/plans/{slug}/bilan",
    response={200: BilanOut, **error_responses(404)},
    operation_id="plan_bilan",
    summary="Bilan d'un plan",
    description="JSON, HTML, PDF ou CSV (`format`). Variante publiée (petits effectifs masqués) sauf si le jeton "
    "voit exactement chaque chiffre du bilan.",
    openapi_extra={"responses": {200: {"content": BILAN_CONTENT}}},
)
def plan_bilan(
    request: HttpRequest,
    slug: str = Slug,
    period: str = PeriodQuery,
    format: Literal["json", "html", "pdf", "csv"] = Query("json"),  # noqa: A002 - the parameter's public name
) -> Any:
    plan = _plan(slug)
    parsed = _period(period, plan_start=plan.started_on, plan_end=plan.ended_on)
    suppressed = suppressed_for(request.auth, plan)
    published = bool(suppressed)
    action = AuditEvent.Action.BILAN if format in {"json", "html"} else AuditEvent.Action.EXPORT
    record_event(
        request.auth,
        action,
        plan=plan,
        details={"period": f"{parsed.start}/{parsed.end}", "published": published, "format": format},
    )
    bilan = build_bilan(plan, parsed, suppressed=suppressed, charts=format in {"html", "pdf"})
    if format == "json":
        return _bilan_json(bilan)
    if format == "html":
        return HttpResponse(render_bilan(bilan, "html"), content_type=CONTENT_TYPES["html"])
    return HttpResponse(
        bilan_bytes(bilan, format),
        content_type=CONTENT_TYPES[format],
        headers={"Content-Disposition": content_disposition_header(True, bilan_file_name(bilan, format))},
    )
