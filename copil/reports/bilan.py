"""The committee's bilan: French prose by axis, every figure computed by the indicator engine.

`build_bilan` turns indicator results into sentences; each sentence that states a figure carries a
footnote naming the indicator, its source partners and the number of records behind it. Each axis also gets
its charts (`charts.axis_charts`), drawn once here and embedded as they are in the HTML and the PDF.

The published variant (`published=True`, for the public and the press) prints small person counts as "< 5"
(`disclosure`).
"""

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from copil.access import policy
from copil.indicators.catalogue import get_indicator
from copil.indicators.engine import IndicatorResult, compute_many
from copil.indicators.periods import Period
from copil.indicators.periods import format_date_fr as format_date
from copil.plans.models import Axis, Meeting, Partner, Plan
from copil.records.models import Agreement, Substance

from . import disclosure
from .charts import Chart, axis_charts
from .formatting import elide_de, format_mass, format_number, join_words

SUBSTANCE_ORDER = [Substance.CANNABIS, Substance.HEROIN, Substance.COCAINE, Substance.CRACK, Substance.OTHER]
SUBSTANCE_NOUNS = {
    Substance.CANNABIS: "cannabis",
    Substance.HEROIN: "héroïne",
    Substance.COCAINE: "cocaïne",
    Substance.CRACK: "crack",
    Substance.OTHER: "autres produits",
}


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


@dataclass
class Section:
    axis: str
    title: str
    sentences: list[Sentence]
    charts: list[Chart] = field(default_factory=list)


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


INDICATORS = [
    "networks_dismantled",
    "deal_points_neutralized",
    "deal_points_active",
    "operations",
    "seizure_mass",
    "seizures",
    "arrests",
    "trafficker_arrests",
    "convictions",
    "convicted_persons",
    "convicted_persons_referred_to_court",
    "repeat_offenders_convicted",
    "repeat_offenders_residence_ban",
    "convicted_persons_removal_order",
    "staff_deployed",
    "cameras_in_service",
    "cameras_installed",
    "night_cameras_installed",
    "prevention_actions",
    "people_reached",
    "care_referrals",
    "persons_referred_to_care",
    "shelter_occupancy",
    "hospital_places",
    "eviction_procedures_opened",
    "evictions_carried_out",
    "agreements_signed",
]


class _Writer:
    """Accumulates sentences and numbers their footnotes in reading order."""

    def __init__(self, results: dict[str, IndicatorResult], *, suppressed: frozenset[str] = frozenset()):
        self.results = results
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
        definition = self.results[code].definition
        value = _count(self.results, code) if value is None else value
        return code in self.suppressed and disclosure.suppress(definition, value)

    def count(self, code: str, value: int | None = None) -> tuple[str, int]:
        """An indicator's count as the bilan prints it, and the number that chooses the plural: `("34", 34)`,
        or `("< 5", 5)` when a published bilan hides it."""
        definition = self.results[code].definition
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

    def registry_note(self, label: str, sources: list[tuple[str, int]]) -> int:
        number = len(self.footnotes) + 1
        self.footnotes.append(Footnote(number, label, sources, sum(n for _name, n in sources)))
        return number

    def sentence(self, text: str, *codes: str) -> Sentence:
        return Sentence(text, [self.note(code) for code in codes])


def _count(results: dict[str, IndicatorResult], code: str) -> int:
    value = results[code].value
    return int(value or 0)


def _capitalize(text: str) -> str:
    return text[:1].upper() + text[1:]


def _repression(w: _Writer, plan: Plan, period: Period) -> list[Sentence]:
    r = w.results
    out: list[Sentence] = []
    networks, points = _count(r, "networks_dismantled"), _count(r, "deal_points_neutralized")
    facts, codes = [], []
    if networks:
        facts.append(
            ngettext(
                "{n} trafficking network was dismantled", "{n} trafficking networks were dismantled", networks
            ).format(n=format_number(networks))
        )
        codes.append("networks_dismantled")
    if points:
        facts.append(
            ngettext("{n} deal point was neutralized", "{n} deal points were neutralized", points).format(
                n=format_number(points)
            )
        )
        codes.append("deal_points_neutralized")
    still_active = _count(r, "deal_points_active")
    if facts or still_active:
        text = _("Over the period, {facts}.").format(facts=join_words(facts)) if facts else ""
        if still_active:
            text += " " + ngettext(
                "{n} deal point was still active on {date}.",
                "{n} deal points were still active on {date}.",
                still_active,
            ).format(n=format_number(still_active), date=format_date(period.end))
            codes.append("deal_points_active")
        out.append(w.sentence(text.strip(), *codes))
    operations = _count(r, "operations")
    if operations:
        out.append(
            w.sentence(
                ngettext(
                    "{n} targeted operation was carried out.",
                    "{n} targeted operations were carried out.",
                    operations,
                ).format(n=format_number(operations)),
                "operations",
            )
        )
    masses = r["seizure_mass"].breakdown
    seized = [
        f"{format_mass(masses[code])} {elide_de(SUBSTANCE_NOUNS[code])}" for code in SUBSTANCE_ORDER if masses.get(code)
    ]
    if seized:
        count = _count(r, "seizures")
        out.append(
            w.sentence(
                ngettext("{items} were seized ({n} seizure).", "{items} were seized ({n} seizures).", count).format(
                    items=_capitalize(join_words(seized)), n=format_number(count)
                ),
                "seizure_mass",
            )
        )
    traffickers = _count(r, "trafficker_arrests")
    users = int(r["arrests"].breakdown.get("user", 0))
    if traffickers or users:
        text = ngettext(
            "{n} arrest of a trafficker was made", "{n} arrests of traffickers were made", traffickers
        ).format(n=format_number(traffickers))
        if users:
            text += ngettext(", and {n} arrest of a user", ", and {n} arrests of users", users).format(
                n=format_number(users)
            )
        out.append(w.sentence(_capitalize(text) + ".", "trafficker_arrests", "arrests"))
    persons = _count(r, "convicted_persons")
    if persons:
        out.append(_convictions(w, persons))
    deployment = r["staff_deployed"]
    if deployment.days:
        out.append(
            w.sentence(
                _(
                    "Every day, between {minimum} and {maximum} police officers and gendarmes were deployed on the "
                    "plan's sector ({mean} on average over {days} days)."
                ).format(
                    minimum=format_number(deployment.minimum),
                    maximum=format_number(deployment.maximum),
                    mean=format_number(deployment.mean, max_decimals=0),
                    days=format_number(deployment.days),
                ),
                "staff_deployed",
            )
        )
    return out


def _convictions(w: _Writer, persons: int) -> Sentence:
    r = w.results
    shown, plural = w.count("convicted_persons", persons)
    text = ngettext("{n} person was convicted", "{n} persons were convicted", plural).format(n=shown)
    codes = ["convicted_persons"]
    referred = _count(r, "convicted_persons_referred_to_court")
    if referred:
        codes.append("convicted_persons_referred_to_court")
        if referred == persons:
            text += _("; all were brought before the court at once (déferrement)")
        elif w.hidden_part("convicted_persons_referred_to_court", referred, persons):
            text += _("; most of them were brought before the court at once (déferrement)")
        else:
            shown, plural = w.count("convicted_persons_referred_to_court", referred)
            text += ngettext(
                "; {n} of them was brought before the court at once (déferrement)",
                "; {n} of them were brought before the court at once (déferrement)",
                plural,
            ).format(n=shown)
    repeat, banned = _count(r, "repeat_offenders_convicted"), _count(r, "repeat_offenders_residence_ban")
    if banned:
        codes.append("repeat_offenders_residence_ban")
        if banned == repeat and w.hidden("repeat_offenders_residence_ban", banned):
            text += _(", and all the repeat offenders were banned from the town (interdiction de séjour)")
        elif banned == repeat:
            text += ngettext(
                ", and the repeat offender was banned from the town (interdiction de séjour)",
                ", and the {n} repeat offenders were banned from the town (interdiction de séjour)",
                banned,
            ).format(n=format_number(banned))
        elif w.hidden_part("repeat_offenders_residence_ban", banned, repeat):
            text += _(
                ", and most of the {total} repeat offenders were banned from the town (interdiction de séjour)"
            ).format(total=w.count("repeat_offenders_convicted", repeat)[0])
        else:
            text += _(
                ", and {n} of the {total} repeat offenders were banned from the town (interdiction de séjour)"
            ).format(
                n=w.count("repeat_offenders_residence_ban", banned)[0],
                total=w.count("repeat_offenders_convicted", repeat)[0],
            )
    removed = _count(r, "convicted_persons_removal_order")
    if removed:
        codes.append("convicted_persons_removal_order")
        shown, plural = w.count("convicted_persons_removal_order", removed)
        text += ngettext(
            "; {n} person was ordered removed from French territory",
            "; {n} persons were ordered removed from French territory",
            plural,
        ).format(n=shown)
    return w.sentence(text + ".", *codes)


def _videoprotection(w: _Writer, plan: Plan, period: Period) -> list[Sentence]:
    r = w.results
    in_service = _count(r, "cameras_in_service")
    installed, night = r["cameras_installed"], r["night_cameras_installed"]
    if not in_service and not installed.value:
        return []
    total = format_number(in_service)
    if installed.value:
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
        n = int(installed.value)
        if only_night:
            text = ngettext(
                "{n} new night camera was installed {years}, bringing the total to {total} cameras in service.",
                "{n} new night cameras were installed {years}, bringing the total to {total} cameras in service.",
                n,
            )
        else:
            text = ngettext(
                "{n} new camera was installed {years}, bringing the total to {total} cameras in service.",
                "{n} new cameras were installed {years}, bringing the total to {total} cameras in service.",
                n,
            )
        sentence = w.sentence(
            text.format(n=format_number(n), years=years, total=total),
            "cameras_installed",
            "cameras_in_service",
        )
        if not only_night and night.value:
            sentence.text += " " + ngettext(
                "{n} of them has night vision.", "{n} of them have night vision.", int(night.value)
            ).format(n=format_number(night.value))
            sentence.notes.append(w.note("night_cameras_installed"))
        return [sentence]
    return [
        w.sentence(
            ngettext("{n} camera is in service on {date}.", "{n} cameras are in service on {date}.", in_service).format(
                n=total, date=format_date(period.end)
            ),
            "cameras_in_service",
        )
    ]


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
    r = w.results
    out = _axis_partners(w, plan, Axis.Code.PREVENTION_CARE)
    actions = _count(r, "prevention_actions")
    if actions:
        reached = _count(r, "people_reached")
        text = ngettext(
            "{n} prevention action was carried out", "{n} prevention actions were carried out", actions
        ).format(n=format_number(actions))
        if reached:
            text += ngettext(", reaching {n} person", ", reaching {n} people", reached).format(n=format_number(reached))
        out.append(w.sentence(text + ".", "prevention_actions", "people_reached"))
    referred = _count(r, "persons_referred_to_care")
    if referred:
        shown, plural = w.count("persons_referred_to_care", referred)
        out.append(
            w.sentence(
                ngettext(
                    "{n} person identified as a drug user was referred to care.",
                    "{n} persons identified as drug users were referred to care.",
                    plural,
                ).format(n=shown),
                "persons_referred_to_care",
            )
        )
    out += _stock_against_baseline(
        w,
        "shelter_occupancy",
        lambda v: ngettext(
            "The shelters report {n} person taken in each night on {date}",
            "The shelters report {n} people taken in each night on {date}",
            v,
        ),
        period,
    )
    out += _stock_against_baseline(
        w,
        "hospital_places",
        lambda v: ngettext(
            "Hospital care offers {n} hospital place on {date}",
            "Hospital care offers {n} hospital places on {date}",
            v,
        ),
        period,
    )
    return out


def _stock_against_baseline(w: _Writer, code: str, phrase: Callable[[int], str], period: Period) -> list[Sentence]:
    result = w.results[code]
    if result.value is None or not result.record_count:
        return []
    value = int(result.value)
    text = phrase(value).format(n=format_number(value), date=format_date(period.end))
    if result.baseline_value is not None:
        text += _(", against {baseline} {when}").format(
            baseline=format_number(result.baseline_value), when=result.baseline_label
        )
    return [w.sentence(text + ".", code)]


def _housing(w: _Writer, plan: Plan, period: Period) -> list[Sentence]:
    r = w.results
    out = [_agreement_sentence(w, a) for a in _agreements(plan, period, Axis.Code.HOUSING)]
    opened, evicted = _count(r, "eviction_procedures_opened"), _count(r, "evictions_carried_out")
    if opened or evicted:
        text = ngettext(
            "Social landlords opened {n} eviction procedure against tenants involved in trafficking",
            "Social landlords opened {n} eviction procedures against tenants involved in trafficking",
            opened,
        ).format(n=format_number(opened))
        if evicted:
            text += ngettext("; {n} eviction was carried out", "; {n} evictions were carried out", evicted).format(
                n=format_number(evicted)
            )
        out.append(w.sentence(text + ".", "eviction_procedures_opened", "evictions_carried_out"))
    return out


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


SECTION_WRITERS: dict[str, Callable[[_Writer, Plan, Period], list[Sentence]]] = {
    Axis.Code.REPRESSION: _repression,
    Axis.Code.VIDEOPROTECTION: _videoprotection,
    Axis.Code.PREVENTION_CARE: _prevention_care,
    Axis.Code.HOUSING: _housing,
    Axis.Code.COORDINATION: _coordination,
}


def _targets(w: _Writer, axis: str) -> list[Sentence]:
    """One sentence per indicator of the axis that has a target (the plan's own, else the catalogue's), with
    its attainment; none for a figure the reader may not see exactly."""
    sentences = []
    for code, result in w.results.items():
        definition = result.definition
        if definition.axis != axis or result.target is None or w.hidden(code, int(result.headline or 0)):
            continue
        shown = format_mass(result.target) if definition.unit == "g" else format_number(result.target)
        if result.attainment is None:
            text = _("Target set for {indicator}: {target}.")
        else:
            text = _("Target set for {indicator}: {target}, {percent} % attained.")
        percent = format_number(result.attainment * 100, 0) if result.attainment is not None else ""
        sentences.append(w.sentence(text.format(indicator=definition.label, target=shown, percent=percent), code))
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
) -> Bilan:
    """Compute every indicator of the plan over the period, write the bilan's prose and draw its charts.

    `published` writes the variant for the public: every sensitive indicator's small counts as "< 5".
    `suppressed` names the sensitive indicators to hide that way for a reader who may see the others exactly
    (`copil.access.policy.suppressed_indicators`). `charts=False` skips the drawing when only the text is wanted.
    """
    hidden = sensitive_indicators() if published else frozenset(suppressed or ()) & sensitive_indicators()
    with translation.override("fr"):
        results = compute_many(INDICATORS, period, plan=plan)
        writer = _Writer(results, suppressed=hidden)
        drawn = axis_charts(plan, period, results) if charts else {}
        titles = {axis.code: axis.title for axis in plan.axes.all()}
        sections = []
        for code, write in SECTION_WRITERS.items():
            sentences = write(writer, plan, period) + _targets(writer, code)
            if sentences:
                title = titles.get(code) or str(Axis.Code(code).label).capitalize()
                sections.append(Section(code, title, sentences, drawn.get(code, [])))
        return Bilan(
            plan=plan,
            period=period,
            title=_("{plan}: report {period}").format(plan=plan.name, period=period.label),
            introduction=_(
                "This report of the steering committee covers the period {period}. Every figure is computed from "
                "the records entered by the partners of the plan; the notes give their source."
            ).format(period=period.label)
            + _published_notice(hidden),
            sections=sections,
            footnotes=writer.footnotes,
            results=results,
            generated_at=timezone.now(),
            suppressed=hidden,
        )
