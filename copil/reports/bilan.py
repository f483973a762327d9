"""The committee's bilan: French prose by axis, every figure computed by the indicator engine.

`build_bilan` turns indicator results into sentences: each axis's section composes the phrases the
catalogue gives its indicators (`copil.indicators.phrases`); each sentence that states a figure carries a
footnote naming the indicator, its source partners and the number of records behind it. Each axis also gets
its charts (`charts.axis_charts`), drawn once here and embedded as they are in the HTML and the PDF.

The published variant (`published=True`, for the public and the press) prints small person counts as "< 5"
(`disclosure`).
"""

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from copil.access import policy
from copil.indicators.catalogue import get_indicator
from copil.indicators.engine import IndicatorResult, compute_many
from copil.indicators.periods import Period
from copil.indicators.periods import format_date_fr as format_date
from copil.indicators.phrases import PHRASES, STATE, PartOf, Plural, phrase_of
from copil.official_statistics.figures import DRUG_INDICATOR_UNITS, official_comparison, official_sentence
from copil.plans.models import Axis, Meeting, Partner, Plan
from copil.records.models import Agreement

from . import disclosure
from .charts import Chart, axis_charts
from .comparisons import YEAR_BEFORE, IndicatorComparison, compare_results, comparison_text, not_comparable_text
from .formatting import format_mass, format_number, join_words


@dataclass
class Footnote:
    """A numbered source note: what was counted, by which partners, from how many records.

    The counts are those `disclosure.published_figure` lets the bilan show: in a published bilan a count of
    conviction records would otherwise give away the count of persons it hides ("< 5", or withheld).
    """

    number: int
    label: str
    sources: list[tuple[str, int | disclosure.Suppressed]]
    record_count: int | disclosure.Suppressed

    @property
    def text(self) -> str:
        if not self.sources:
            return _("{label}: no record in the period.").format(label=_capitalize(self.label))
        parts = []
        for name, count in self.sources:
            if isinstance(count, disclosure.Suppressed) and not count.primary:
                parts.append(_("{partner} (number of records withheld)").format(partner=name))
                continue
            shown = format_number(count) if isinstance(count, int) else f"<\u00a0{format_number(count.threshold)}"
            count = count if isinstance(count, int) else count.threshold
            parts.append(
                ngettext("{partner} ({count} record)", "{partner} ({count} records)", count).format(
                    partner=name, count=shown
                )
            )
        return _("{label}. Source: {sources}.").format(label=_capitalize(self.label), sources=_("; ").join(parts))


@dataclass
class Sentence:
    text: str
    notes: list[int] = field(default_factory=list)


OUTCOME, OUTPUT = "outcome", "output"
OFFICIAL_STATISTICS = "official_statistics"


@dataclass
class Section:
    """An axis's sentences in one part of the bilan: the outcome (what the plan is meant to change), stated first,
    or the output (what the partners did)."""

    axis: str
    title: str
    sentences: list[Sentence]
    charts: list[Chart] = field(default_factory=list)
    part: str = OUTPUT

    @property
    def part_title(self) -> str:
        return _("What the plan is meant to change") if self.part == OUTCOME else _("What the partners did")


@dataclass
class KeyFigure:
    """A figure of the key-figures box heading the bilan: « 72 » over « caméras de vidéoprotection en service »."""

    code: str
    value: str
    label: str


@dataclass
class Bilan:
    plan: Plan
    period: Period
    title: str
    introduction: str
    sections: list[Section]
    footnotes: list[Footnote]
    results: dict[str, IndicatorResult]
    generated_at: dt.datetime
    suppressed: frozenset[str] = frozenset()  # sensitive indicators whose small counts this variant hides
    key_figures: list[KeyFigure] = field(default_factory=list)

    @property
    def published(self) -> bool:
        """Whether small counts of persons are hidden somewhere (the variant for the public, or for a partner
        who may not see some person counts exactly)."""
        return bool(self.suppressed)

    @property
    def public(self) -> bool:
        """Whether this is the variant for the public and the press: every sensitive indicator suppressed."""
        return self.suppressed >= sensitive_indicators()

    @property
    def charts(self) -> list[Chart]:
        """Every chart, in reading order."""
        return [chart for section in self.sections for chart in section.charts]

    @property
    def text(self) -> str:
        """All the prose, for searching and tests."""
        return "\n".join(
            [self.title, self.introduction]
            + [s.title for s in self.sections]
            + [sentence.text for s in self.sections for sentence in s.sentences]
        )


INDICATORS = list(PHRASES)  # the catalogue's indicators the bilan reports: those with a phrase, in catalogue order


class _Writer:
    """Accumulates sentences, numbers their footnotes in reading order, and formats the indicators' phrases."""

    def __init__(
        self, results: dict[str, IndicatorResult], period: Period, *, suppressed: frozenset[str] = frozenset()
    ):
        self.results = results
        self.period = period
        self.suppressed = suppressed
        self.footnotes: list[Footnote] = []
        self._note_of: dict[str, int] = {}

    def note(self, code: str) -> int:
        if code not in self._note_of:
            result = self.results[code]
            number = len(self.footnotes) + 1
            figure = disclosure.published_figure(result, self.results, self.suppressed)
            self.footnotes.append(Footnote(number, str(result.definition.label), figure.sources, figure.record_count))
            self._note_of[code] = number
        return self._note_of[code]

    def hidden(self, code: str, value: int | None = None) -> bool:
        """Whether a published bilan must not state this indicator's value (default: its headline value)."""
        result = self.results[code]
        if result.definition.aggregation == "mean":
            return code in self.suppressed and disclosure.hides_mean(result.definition, result.record_count)
        value = _count(self.results, code) if value is None else value
        return code in self.suppressed and disclosure.suppress(result.definition, value)

    def count(self, code: str, value: int | Decimal | None = None) -> tuple[str, int]:
        """An indicator's figure as the bilan prints it, and the number that chooses the plural: `("34", 34)`,
        `("5,1 kg", 5100)` for a mass, or `("< 5", 5)` when a published bilan hides it."""
        definition = self.results[code].definition
        if definition.unit == "g":
            grams = (self.results[code].value or 0) if value is None else value
            return format_mass(grams), int(grams)
        if definition.aggregation == "mean":  # whole units: « 26 mois »
            mean = Decimal(self.results[code].value or 0) if value is None else Decimal(value)
            return format_number(mean, max_decimals=0), int(mean.quantize(Decimal(1), rounding=ROUND_HALF_UP))
        value = _count(self.results, code) if value is None else value
        if self.hidden(code, value):
            return disclosure.suppressed_text(definition), disclosure.threshold(definition)
        return format_number(value), value

    def hidden_part(self, code: str, part: int, total: int) -> bool:
        """Whether a published bilan must not state a part of a stated total exactly, though the part is not
        small: what the total leaves is (secondary suppression). The bilan then says "most of them"."""
        if code not in self.suppressed:
            return False
        shown = disclosure.published_part(self.results[code].definition, part, total)
        return isinstance(shown, disclosure.Suppressed) and not shown.primary

    def footnoted(self, code: str) -> bool:
        """Whether a sentence written so far states the indicator (it has its footnote)."""
        return code in self._note_of

    def registry_note(self, label: str, sources: list[tuple[str, int]]) -> int:
        number = len(self.footnotes) + 1
        self.footnotes.append(Footnote(number, label, sources, sum(n for _name, n in sources)))
        return number

    def sentence(self, text: str, *codes: str) -> Sentence:
        return Sentence(text, [self.note(code) for code in codes])

    # --- the catalogue's phrases ----------------------------------------------------------------------------

    def stated(self, code: str) -> bool:
        """Whether the indicator has a figure to state: records behind it, and not a zero its phrase omits."""
        result = self.results[code]
        if result.headline is None or not result.record_count:
            return False
        if result.definition.aggregation == "mean" and self.hidden(code):
            return False  # a mean withheld is not stated at all (« < 5 mois » would misread)
        return bool(result.headline) or phrase_of(code).zero == STATE

    def phrase(self, code: str, form: Plural, value: int | Decimal | None = None, **fields: str) -> str:
        """One of the indicator's phrases (`states`, `follows`…) formatted with its figure (default: headline)."""
        result = self.results[code]
        shown, plural = self.count(code, value)
        fields = {"n": shown, "date": format_date(self.period.end), **fields}
        if result.start_value is not None:
            fields.setdefault("start", format_number(result.start_value))
        if result.per_10000 is not None:
            fields.setdefault("density", format_number(result.per_10000 * 10, max_decimals=1))
        if result.days:
            fields.update(
                minimum=self.extreme(code, result.minimum),
                maximum=self.extreme(code, result.maximum),
                mean=format_number(result.mean, max_decimals=0),
                days=format_number(result.days),
            )
        if form is phrase_of(code).states:
            fields.setdefault("items", join_words(self._parts(code)))
        return form(plural).format(**fields)

    def extreme(self, code: str, value: int | Decimal | None) -> str:
        """The lowest or highest value of a daily (or monthly) series as the bilan prints it: "< 5" when a
        published bilan hides a small count of persons (the month's active file of one small site)."""
        definition = self.results[code].definition
        if code in self.suppressed and disclosure.suppress(definition, value):
            return disclosure.suppressed_text(definition)
        return format_number(value)

    def _parts(self, code: str) -> list[str]:
        breakdown = self.results[code].breakdown
        return [
            self.phrase(code, form, value)
            for key, form in phrase_of(code).parts.items()
            if (value := breakdown.get(key))
        ]

    def says(self, code: str, value: int | None = None, **fields: str) -> str:
        """The indicator's clause opening a sentence."""
        form = phrase_of(code).states
        if form is None:
            raise ValueError(f"{code}: the bilan states this indicator in its notes only")
        none = phrase_of(code).none
        if none is not None and not (_count(self.results, code) if value is None else value):
            return none(0)
        return self.phrase(code, form, value, **fields)

    def standalone(self, code: str) -> list[Sentence]:
        """The indicator's own sentence, with its comparison to the baseline when its phrase has one; none when
        there is nothing to state."""
        phrase = phrase_of(code)
        if not self.stated(code) or (phrase.parts and not self._parts(code)):
            return []
        text = self.says(code)
        baseline = self.results[code].baseline_value
        if phrase.comparison is not None and baseline is not None:
            text += phrase.comparison(int(baseline)).format(
                baseline=format_number(baseline), when=self.results[code].baseline_label
            )
        return [self.sentence(_capitalize(text) + ".", code)]

    def follows(self, code: str) -> str:
        """The indicator's clause appended to another figure's sentence ("" when there is nothing to state)."""
        phrase = phrase_of(code)
        if phrase.part_of is not None:
            return self._part_of(code, phrase.part_of)
        if phrase.follows is not None:
            return self.phrase(code, phrase.follows) if self.stated(code) else ""
        return "".join(self._parts(code))

    def _part_of(self, code: str, part_of: PartOf) -> str:
        value, total = _count(self.results, code), _count(self.results, part_of.total)
        if not value:
            return ""
        if value == total:
            form = part_of.all_hidden if part_of.all_hidden and self.hidden(code, value) else part_of.all
            return form(value).format(n=format_number(value))
        shown_total = self.count(part_of.total, total)[0]
        if self.hidden_part(code, value, total):
            return part_of.most(value).format(total=shown_total)
        shown, plural = self.count(code, value)
        return part_of.some(plural).format(n=shown, total=shown_total)

    def compose(self, lead: str, *others: str, notes: Iterable[str] | None = None) -> list[Sentence]:
        """One sentence: the lead figure's clause, then the others' that have something to state; none when the
        lead has nothing to state (unless its zero is stated and another figure has). `notes` overrides the
        figures footnoted (default: the lead and the others stated)."""
        tails = {code: self.follows(code) for code in others}
        stated = [code for code, tail in tails.items() if tail]
        if not (self.stated(lead) or (phrase_of(lead).zero == STATE and stated)):
            return []
        text = _capitalize(self.says(lead) + "".join(tails.values())) + "."
        return [self.sentence(text, *(notes if notes is not None else [lead, *stated]))]


def _count(results: dict[str, IndicatorResult], code: str) -> int:
    value = results[code].value
    return int(value or 0)


def _capitalize(text: str) -> str:
    return text[:1].upper() + text[1:]


# The stages of an appearance ban after its request, stated in the request's sentence (issue 14, kinds3).
APPEARANCE_BAN_STAGES = (
    "appearance_bans_ordered",
    "appearance_bans_notified",
    "appearance_bans_breached",
    "appearance_bans_prosecuted",
)


def _repression(w: _Writer, plan: Plan, period: Period) -> list[Sentence]:
    facts = [code for code in ("networks_dismantled", "deal_points_neutralized") if w.stated(code)]
    text = _("Over the period, {facts}.").format(facts=join_words([w.says(c) for c in facts])) if facts else ""
    out: list[Sentence] = []
    if w.stated("deal_points_active") and not w.results["deal_points_active"].definition.outcome:
        text += " " + _capitalize(w.says("deal_points_active")) + "."
        facts.append("deal_points_active")
    if facts:
        out.append(w.sentence(text.strip(), *facts))
    return (
        out
        + w.standalone("operations")
        + w.compose("seizure_mass", "seizures", notes=["seizure_mass"])
        + w.compose("trafficker_arrests", "arrests", notes=["trafficker_arrests", "arrests"])
        + w.compose(
            "convicted_persons",
            "convicted_persons_referred_to_court",
            "repeat_offenders_residence_ban",
            "convicted_persons_removal_order",
        )
        + w.compose("appearance_bans_requested", *APPEARANCE_BAN_STAGES)
        + w.standalone("staff_deployed")
    )


def _videoprotection(w: _Writer, plan: Plan, period: Period) -> list[Sentence]:
    installed, night = w.results["cameras_installed"], w.results["night_cameras_installed"]
    if not installed.value:
        return w.standalone("cameras_in_service")
    only_night = night.value == installed.value
    per_year = (night if only_night else installed).breakdown
    years = join_words(
        [
            _("{n} in {year}").format(n=format_number(per_year[y]), year=y)
            if len(per_year) > 1
            else _("in {year}").format(year=y)
            for y in sorted(per_year)
        ]
    )
    lead = "night_cameras_installed" if only_night else "cameras_installed"
    total = format_number(_count(w.results, "cameras_in_service"))
    text = w.says(lead, int(installed.value), years=years, total=total)
    codes = ["cameras_installed", "cameras_in_service"]
    if not only_night and night.value:
        text += w.follows("night_cameras_installed")
        codes.append("night_cameras_installed")
    return [w.sentence(text + ".", *codes)]


def _axis_partners(w: _Writer, plan: Plan, axis: str) -> list[Sentence]:
    partners = list(Partner.objects.filter(plan=plan, axes__code=axis, role=Partner.Role.CARE).order_by("name"))
    if not partners:
        return []
    note = w.registry_note(_("Partners of the plan"), [(_("partner registry of the plan"), len(partners))])
    return [
        Sentence(
            ngettext(
                "The prevention and care axis relies on {n} association: {names}.",
                "The prevention and care axis relies on {n} associations: {names}.",
                len(partners),
            ).format(n=format_number(len(partners)), names=join_words([p.name for p in partners])),
            [note],
        )
    ]


def _prevention_care(w: _Writer, plan: Plan, period: Period) -> list[Sentence]:
    return (
        _axis_partners(w, plan, Axis.Code.PREVENTION_CARE)
        + w.compose("prevention_actions", "people_reached", notes=["prevention_actions", "people_reached"])
        + w.standalone("persons_referred_to_care")
        + _care_activity(w)
        + w.standalone("shelter_occupancy")
        + w.standalone("hospital_places")
    )


# The figures of harm-reduction and care activity that follow its passages, in the order the sentence states them.
CARE_ACTIVITY_FIGURES = (
    "care_supervised_consumptions",
    "care_crack_kits",
    "care_syringes",
    "care_overdoses",
    "care_people_housed",
)


def _care_activity(w: _Writer) -> list[Sentence]:
    """« Les dispositifs de réduction des risques ont accueilli 12 400 passages ; 4 100 consommations supervisées à
    la halte soins addictions ; 8 200 kits base et 15 000 seringues distribués ; 37 overdoses prises en charge. »
    (issue 14, family 6): only the parts that have a figure to state."""
    stated = [code for code in ("care_passages", *CARE_ACTIVITY_FIGURES) if w.stated(code)]
    parts = [w.follows(code) for code in ("care_supervised_consumptions",) if code in stated]
    if "care_crack_kits" in stated and "care_syringes" in stated:
        kits, kits_plural = w.count("care_crack_kits")
        syringes, syringes_plural = w.count("care_syringes")
        parts.append(
            ngettext(
                "{kits} and {syringes} syringe handed out", "{kits} and {syringes} syringes handed out", syringes_plural
            ).format(
                kits=ngettext("{n} crack pipe kit (kit base)", "{n} crack pipe kits (kits base)", kits_plural).format(
                    n=kits
                ),
                syringes=syringes,
            )
        )
    else:
        parts += [w.follows(code) for code in ("care_crack_kits", "care_syringes") if code in stated]
    parts += [w.follows(code) for code in ("care_overdoses", "care_people_housed") if code in stated]
    if "care_passages" in stated:
        text = _("; ").join([w.says("care_passages"), *parts])
    elif parts:
        text = _("Harm-reduction services: {figures}").format(figures=_("; ").join(parts))
    else:
        return []
    return [w.sentence(_capitalize(text) + ".", *stated)]


def _housing(w: _Writer, plan: Plan, period: Period) -> list[Sentence]:
    return [_agreement_sentence(w, a) for a in _agreements(plan, period, Axis.Code.HOUSING)] + w.compose(
        "eviction_procedures_opened",
        "evictions_carried_out",
        notes=["eviction_procedures_opened", "evictions_carried_out"],
    )


def _agreements(plan: Plan, period: Period, axis: str) -> list[Agreement]:
    return list(
        Agreement.objects.filter(plan=plan, axis=axis, signed_on__range=(period.start, period.end))
        .prefetch_related("parties")
        .order_by("signed_on")
    )


def _agreement_sentence(w: _Writer, agreement: Agreement) -> Sentence:
    note = w.registry_note(_("Agreements signed"), [(agreement.partner.name, 1)])
    parties = join_words([p.name for p in agreement.parties.all().order_by("name")])
    return Sentence(
        _("The agreement “{title}” was signed on {date} by {parties}.").format(
            title=agreement.title, date=format_date(agreement.signed_on), parties=parties
        ),
        [note],
    )


def _coordination(w: _Writer, plan: Plan, period: Period) -> list[Sentence]:
    out: list[Sentence] = []
    partners = Partner.objects.filter(plan=plan).exclude(role=Partner.Role.PUBLIC).count()
    meetings = Meeting.objects.filter(plan=plan, held_on__range=(period.start, period.end)).count()
    if partners:
        text = ngettext(
            "The plan brings together {n} partner", "The plan brings together {n} partners", partners
        ).format(n=format_number(partners))
        if meetings:
            text += ngettext(
                "; the steering committee met {n} time over the period",
                "; the steering committee met {n} times over the period",
                meetings,
            ).format(n=format_number(meetings))
        sources = [(_("partner registry of the plan"), partners)]
        if meetings:
            sources.append((_("meetings of the steering committee"), meetings))
        out.append(Sentence(text + ".", [w.registry_note(_("Governance of the plan"), sources)]))
    out += [_agreement_sentence(w, a) for a in _agreements(plan, period, Axis.Code.COORDINATION)]
    return out


SectionWriter = Callable[[_Writer, Plan, Period], list[Sentence]]

# Each axis's writer, and the indicators it composes into its own sentences; the axis's other indicators that
# have a phrase to state are each stated on their own after them (`_other_figures`).
SECTION_WRITERS: dict[str, tuple[SectionWriter, frozenset[str]]] = {
    Axis.Code.REPRESSION: (
        _repression,
        frozenset(
            {
                "networks_dismantled",
                "deal_points_neutralized",
                "deal_points_active",
                "operations",
                "seizure_mass",
                "seizures",
                "trafficker_arrests",
                "arrests",
                "convicted_persons",
                "convicted_persons_referred_to_court",
                "repeat_offenders_residence_ban",
                "convicted_persons_removal_order",
                "staff_deployed",
                "appearance_bans_requested",
                *APPEARANCE_BAN_STAGES,
            }
        ),
    ),
    Axis.Code.VIDEOPROTECTION: (
        _videoprotection,
        frozenset({"cameras_in_service", "cameras_installed", "night_cameras_installed"}),
    ),
    Axis.Code.PREVENTION_CARE: (
        _prevention_care,
        frozenset(
            {
                "prevention_actions",
                "people_reached",
                "persons_referred_to_care",
                "shelter_occupancy",
                "hospital_places",
                "care_passages",
                *CARE_ACTIVITY_FIGURES,
            }
        ),
    ),
    Axis.Code.HOUSING: (_housing, frozenset({"eviction_procedures_opened", "evictions_carried_out"})),
    Axis.Code.COORDINATION: (_coordination, frozenset()),
}


def _other_figures(w: _Writer, axis: str, composed: frozenset[str]) -> list[Sentence]:
    """A sentence for each indicator of the axis that has a phrase of its own and no place in the axis's
    composed sentences: how a new catalogue entry reaches the bilan."""
    sentences = []
    for code, result in w.results.items():
        if (
            result.definition.axis == axis
            and not result.definition.outcome
            and code not in composed
            and phrase_of(code).states is not None
        ):
            sentences += w.standalone(code)
    return sentences


# The figures the key-figures box may head the bilan with, in this order: each axis's main figure, the outcome
# first. A figure appears when the bilan's prose states it (footnoted), as the prose prints it ("< 5" included).
KEY_FIGURES = (
    "deal_points_active",
    "deal_points_neutralized",
    "seizure_mass",
    "trafficker_arrests",
    "convicted_persons",
    "cameras_in_service",
    "persons_referred_to_care",
    "shelter_occupancy",
    "prevention_actions",
    "eviction_procedures_opened",
)
MAX_KEY_FIGURES = 6


def _key_figures(w: _Writer) -> list[KeyFigure]:
    """Up to `MAX_KEY_FIGURES` of `KEY_FIGURES` that the prose states and that are not zero."""
    figures = []
    for code in KEY_FIGURES:
        result = w.results.get(code)
        if result is None or not w.footnoted(code) or not result.headline or result.definition.aggregation == "daily":
            continue
        figures.append(KeyFigure(code, w.count(code)[0], str(result.definition.label)))
    return figures[:MAX_KEY_FIGURES]


def _introduction(plan: Plan, period: Period) -> str:
    """What the bilan is about, computed from the plan: its launch, territory and population, its partners, the
    period covered."""
    territory = plan.territory
    place = territory.name + (f" ({territory.parent.name})" if territory.parent else "")
    if territory.population:
        text = _("The plan was launched on {date}; its territory, {territory}, has {population} inhabitants.").format(
            date=format_date(plan.started_on), territory=place, population=format_number(territory.population)
        )
    else:
        text = _("The plan was launched on {date}; its territory is {territory}.").format(
            date=format_date(plan.started_on), territory=place
        )
    roles = list(Partner.Role)
    partners = sorted(
        Partner.objects.filter(plan=plan).exclude(role=Partner.Role.PUBLIC), key=lambda p: (roles.index(p.role), p.name)
    )
    if partners:
        text += " " + ngettext(
            "It brings together {n} partner: {names}.", "It brings together {n} partners: {names}.", len(partners)
        ).format(n=format_number(len(partners)), names=join_words([p.name for p in partners]))
    return (
        text
        + " "
        + _(
            "This report of the steering committee covers the period {period}. Every figure is computed from "
            "the records entered by the partners of the plan; the notes give their source."
        ).format(period=period.label)
    )


def covers_the_plans_run(plan: Plan, period: Period) -> bool:
    """Whether the period is the plan's run, the period its targets are set for: from its start to its end (to
    any day for a plan still running). A flow's target (« 6 deal points neutralized ») is only compared over it."""
    return period.start == plan.started_on and (plan.ended_on is None or period.end == plan.ended_on)


def _targets(w: _Writer, plan: Plan, axis: str, outcome: bool = False) -> list[Sentence]:
    """One sentence per indicator of the axis that has a target (the plan's own, else the catalogue's), with
    its attainment; none for a figure the reader may not see exactly, nor for a flow's target (a total over the
    plan's run) when the bilan covers another period: « 6 points neutralisés, atteint à 0 % » over a month says
    nothing."""
    sentences = []
    for code, result in w.results.items():
        definition = result.definition
        if (
            definition.axis != axis
            or definition.outcome != outcome
            or result.target is None
            or w.hidden(code, int(result.headline or 0))
            or (definition.is_flow and not covers_the_plans_run(plan, w.period))
        ):
            continue
        shown = format_mass(result.target) if definition.unit == "g" else format_number(result.target)
        if result.attainment is None:
            text = _("Target set for {indicator}: {target}.")
        else:
            text = _("Target set for {indicator}: {target}, {percent} % attained.")
        percent = format_number(result.attainment * 100, 0) if result.attainment is not None else ""
        sentences.append(w.sentence(text.format(indicator=definition.label, target=shown, percent=percent), code))
    return sentences


def _comparisons(
    w: _Writer, axis: str, comparisons: dict[str, IndicatorComparison], outcome: bool = False
) -> list[Sentence]:
    """One sentence per comparable indicator of the axis the bilan states against the earlier period; none for a
    figure the reader may not see exactly, now or then."""
    sentences = []
    for code, comparison in comparisons.items():
        definition = w.results[code].definition
        if definition.axis != axis or definition.outcome != outcome or comparison.kind == "not_comparable":
            continue
        if not w.footnoted(code):
            continue
        if code in w.suppressed and (
            w.hidden(code, int(comparison.later)) or w.hidden(code, int(comparison.earlier or 0))
        ):
            continue
        sentences.append(w.sentence(comparison_text(comparison), code))
    return sentences


def _not_comparable_notice(w: _Writer, comparisons: dict[str, IndicatorComparison]) -> str:
    """The stated figures a partner's later start keeps from comparing, said once."""
    late = [c for code, c in comparisons.items() if c.kind == "not_comparable" and w.footnoted(code)]
    return " " + not_comparable_text(late) if late else ""


def _outcomes(w: _Writer, plan: Plan, axis: str, comparisons: dict[str, IndicatorComparison]) -> list[Sentence]:
    """The axis's outcome indicators: each one's sentence, its target and its comparison."""
    sentences = []
    for code, result in w.results.items():
        if result.definition.axis == axis and result.definition.outcome and phrase_of(code).states is not None:
            sentences += w.standalone(code)
    return sentences + _targets(w, plan, axis, outcome=True) + _comparisons(w, axis, comparisons, outcome=True)


def _official_statistics(w: _Writer, plan: Plan) -> list[Sentence]:
    """The SSMSI's sentence for each drug indicator loaded for the plan's territory, as context of the outcome."""
    sentences = []
    for indicator, unit in DRUG_INDICATOR_UNITS:
        comparison = official_comparison(plan, indicator, unit)
        text = official_sentence(comparison)
        if text:
            years = len([row for row in comparison.years if row.territory.status != "missing"])
            note = w.registry_note(
                _("Recorded crime, official statistics"),
                [(_("SSMSI, statistical base of recorded crime (years)"), years)],
            )
            sentences.append(Sentence(text, [note]))
    return sentences


def _published_notice(suppressed: frozenset[str]) -> str:
    if not suppressed:
        return ""
    if suppressed >= sensitive_indicators():
        notice = _("In this published version, counts of persons under {n} are shown as “< {n}”.")
    else:
        notice = _("In this version, counts of persons under {n} are shown as “< {n}”.")
    return " " + notice.format(n=disclosure.DEFAULT_THRESHOLD)


def sensitive_indicators() -> frozenset[str]:
    """The bilan's indicators whose small values the published variant hides (counts of persons)."""
    return frozenset(code for code in INDICATORS if disclosure.is_sensitive(get_indicator(code)))


def suppressed_for(reader: Any, plan: Plan) -> frozenset[str]:
    """The bilan's indicators whose small counts this reader (user or API token) may not see exactly in the plan
    (`copil.access.policy.aggregate_rule`): what `build_bilan(suppressed=…)` hides for them."""
    return policy.suppressed_indicators(reader, plan, [get_indicator(code) for code in INDICATORS])


def build_bilan(
    plan: Plan,
    period: Period,
    *,
    published: bool = False,
    suppressed: Iterable[str] | None = None,
    charts: bool = True,
    compare_with: str | None = YEAR_BEFORE,
) -> Bilan:
    """Compute every indicator of the plan over the period, write the bilan's prose and draw its charts.

    `published` writes the variant for the public: every sensitive indicator's small counts as "< 5".
    `suppressed` names the sensitive indicators to hide that way for a reader who may see the others exactly
    (`copil.access.policy.suppressed_indicators`). `charts=False` skips the drawing when only the text is wanted.
    `compare_with` names the earlier period each figure is compared with (`comparisons.BASES`; None: none).
    """
    hidden = sensitive_indicators() if published else frozenset(suppressed or ()) & sensitive_indicators()
    with translation.override("fr"):
        results = compute_many(INDICATORS, period, plan=plan)
        writer = _Writer(results, period, suppressed=hidden)
        comparisons = compare_results(plan, results, period, compare_with) if compare_with else {}
        drawn = axis_charts(plan, period, results) if charts else {}
        titles = {axis.code: axis.title for axis in plan.axes.all()}
        sections = []
        for code in SECTION_WRITERS:
            if outcome := _outcomes(writer, plan, code, comparisons):
                title = titles.get(code) or str(Axis.Code(code).label).capitalize()
                sections.append(Section(code, title, outcome, part=OUTCOME))
        if official := _official_statistics(writer, plan):
            sections.append(Section(OFFICIAL_STATISTICS, _("Official statistics"), official, part=OUTCOME))
        for code, (write, composed) in SECTION_WRITERS.items():
            sentences = (
                write(writer, plan, period) + _other_figures(writer, code, composed) + _targets(writer, plan, code)
            )
            sentences += _comparisons(writer, code, comparisons)
            if sentences:
                title = titles.get(code) or str(Axis.Code(code).label).capitalize()
                sections.append(Section(code, title, sentences, drawn.get(code, [])))
        return Bilan(
            plan=plan,
            period=period,
            title=_("{plan}: report {period}").format(plan=plan.name, period=period.label),
            introduction=_introduction(plan, period)
            + _not_comparable_notice(writer, comparisons)
            + _published_notice(hidden),
            sections=sections,
            footnotes=writer.footnotes,
            results=results,
            generated_at=timezone.now(),
            suppressed=hidden,
            key_figures=_key_figures(writer),
        )
