"""Which figures of a published bilan are disclosure-controlled, and how they print.

The rules themselves (primary suppression of small counts, secondary suppression within additive relations)
are `copil.access.disclosure`'s; this module only reads the catalogue for them: an indicator is sensitive when
its definition counts persons (`person_count = true`) or sets a `disclosure_threshold` (default 5), and a
sensitive indicator that counts the same records as another with more filters ("repeat offenders convicted"
among "persons convicted") is a part of it — publishing both would reveal their difference.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from copil.access import disclosure as rules
from copil.indicators.catalogue import IndicatorDefinition
from copil.indicators.engine import IndicatorResult

from .formatting import format_number

DEFAULT_THRESHOLD = rules.DEFAULT_THRESHOLD

Number = int | Decimal
Suppressed = rules.Suppressed


def is_sensitive(definition: IndicatorDefinition) -> bool:
    """Whether the indicator's small values must not be published."""
    return definition.person_count or definition.disclosure_threshold is not None


def threshold(definition: IndicatorDefinition) -> int:
    """The smallest value of the indicator that may be published exactly."""
    return definition.disclosure_threshold or DEFAULT_THRESHOLD


def suppress(definition: IndicatorDefinition, value: Number | None) -> bool:
    """Whether a published document must hide this value of a sensitive indicator (zero reveals no one)."""
    if not is_sensitive(definition) or value is None:
        return False
    return rules.published_value(int(value), threshold(definition)) != int(value)


def suppressed_text(definition: IndicatorDefinition) -> str:
    """What stands in place of a small count in the prose: "< 5", kept on one line."""
    return f"<\u00a0{format_number(threshold(definition))}"


def published_part(definition: IndicatorDefinition, part: Number, total: Number) -> Number | Suppressed:
    """A part of a published total as it may be published: the value, or why it is withheld.

    The total is published too, so the part and what the total leaves form an additive relation: a small
    remainder (2 of 34 convicted persons not referred to court) hides the part as a secondary cell.
    """
    if not is_sensitive(definition):
        return part
    cells = {"total": int(total), "part": int(part), "rest": int(total) - int(part)}
    if cells["rest"] < 0:  # not a part after all (distinct counts over different filters): judge it alone
        return Suppressed(threshold(definition)) if suppress(definition, part) else part
    published = rules.suppress(cells, total_key="total", threshold=threshold(definition))
    # The rest is never printed; only the part's fate matters.
    return published["part"] if isinstance(published["part"], Suppressed) else part


def published_cells(
    definition: IndicatorDefinition, cells: dict[str, Number], total: Number | None
) -> tuple[dict[str, Number | Suppressed], Number | Suppressed | None]:
    """A sensitive breakdown and its total as published: the cells, then the total.

    When the cells add up to the total they form one additive relation (secondary suppression); otherwise
    (distinct persons counted under several keys) each figure is judged alone.
    """
    if not is_sensitive(definition):
        return dict(cells), total
    limit = threshold(definition)

    def alone(value: Number | None) -> Number | Suppressed | None:
        return Suppressed(limit) if suppress(definition, value) else value

    counts = {key: int(value) for key, value in cells.items()}
    if total is None or sum(counts.values()) != int(total):
        return {key: alone(value) for key, value in counts.items()}, alone(total)
    table: dict[tuple[str, str], int] = {("cell", key): value for key, value in counts.items()}
    table[("total", "")] = int(total)
    published = rules.suppress(table, total_key=("total", ""), threshold=limit)
    shown_total = published.pop(("total", ""))
    return {key: published[("cell", key)] for key in counts}, shown_total


def part_of(definition: IndicatorDefinition, others: list[IndicatorDefinition]) -> IndicatorDefinition | None:
    """The sensitive total this indicator is a part of, if any, among `others`.

    A part counts the same records the same way, with more filters: "repeat offenders convicted" is a part of
    "persons convicted". The closest total (the one with the most filters) is returned.
    """
    if not is_sensitive(definition):
        return None
    own = set(definition.filter)
    totals = [
        other
        for other in others
        if other.code != definition.code
        and is_sensitive(other)
        and (other.source, other.date_field, other.aggregation, other.value_field)
        == (definition.source, definition.date_field, definition.aggregation, definition.value_field)
        and set(other.filter) < own
    ]
    return max(totals, key=lambda other: len(other.filter), default=None)


Shown = Number | Suppressed


@dataclass(frozen=True)
class PublishedFigure:
    """One indicator's figures as an output limited by disclosure control may show them: the value, its
    breakdown, the number of records behind it and each source partner's share of them."""

    value: Shown | None
    breakdown: dict[str, Shown]
    record_count: int | Suppressed
    sources: list[tuple[str, int | Suppressed]]

    @property
    def withheld(self) -> bool:
        return isinstance(self.value, Suppressed)


def published_figure(
    result: IndicatorResult, results: Mapping[str, IndicatorResult], suppressed: Iterable[str]
) -> PublishedFigure:
    """The one disclosure routine of every published or role-limited output (bilan prose, footnotes, CSV, API,
    dashboard): the figure as shown when its code is among `suppressed`, exact otherwise.

    `results` holds the other figures shown beside it (a part is judged against its total, `part_of`). The
    record counts follow the value: withheld with it ("s"), since a count of conviction records next to a
    total tells the count of persons; otherwise a small record count is "< 5" and the sources' counts form
    an additive relation with it.
    """
    definition = result.definition
    exact_sources: list[tuple[str, int | Suppressed]] = list(result.sources)
    if definition.code not in set(suppressed) or not is_sensitive(definition):
        return PublishedFigure(result.value, dict(result.breakdown), result.record_count, exact_sources)
    limit = threshold(definition)
    if definition.aggregation == "mean":  # a mean is withheld with the few persons behind it, never read as a count
        cells, total = {}, (Suppressed(limit) if is_small(result.record_count, limit) else result.value)
    else:
        cells, total = published_cells(definition, result.breakdown, result.value)
    parent = part_of(definition, [other.definition for other in results.values()])
    parent_result = results.get(parent.code) if parent else None
    if not isinstance(total, Suppressed) and result.value is not None and parent_result is not None:
        if parent_result.value is not None:
            total = published_part(definition, result.value, parent_result.value)
    if isinstance(total, Suppressed):
        secondary = Suppressed(limit, primary=False)
        cells = {key: value if isinstance(value, Suppressed) else secondary for key, value in cells.items()}
        hidden_count = total if total.primary and is_small(result.record_count, limit) else secondary
        sources = [(name, hidden_count if is_small(count, limit) else secondary) for name, count in result.sources]
        return PublishedFigure(total, cells, hidden_count, sources)
    counts = {("source", name): count for name, count in result.sources}
    if sum(counts.values()) != result.record_count:
        shown = {key: Suppressed(limit) if is_small(count, limit) else count for key, count in counts.items()}
        small = is_small(result.record_count, limit)
        record_count: int | Suppressed = Suppressed(limit) if small else result.record_count
    else:
        shown = rules.suppress({**counts, ("total", ""): result.record_count}, total_key=("total", ""), threshold=limit)
        record_count = shown.pop(("total", ""))
    return PublishedFigure(total, cells, record_count, [(name, shown[("source", name)]) for name, _ in result.sources])


def hides_mean(definition: IndicatorDefinition, record_count: int) -> bool:
    """Whether a published document must withhold a sensitive mean (a mean sentence): fewer persons behind it
    than the threshold."""
    return is_sensitive(definition) and is_small(record_count, threshold(definition))


def is_small(value: int | None, limit: int) -> bool:
    return value is not None and 0 < int(value) < limit
