"""How the bilan states each indicator of the catalogue, in words translated like every other message.

`catalogue.toml` says what an indicator counts (and, with `good_news`, which way is good news);
`PHRASES` says how the bilan reads it, keyed by the same code. The bilan reports exactly the indicators
that have a phrase, and states on its own any indicator its sections do not compose with others: a new
indicator is a catalogue entry and a phrase, not new code in `copil.reports.bilan`.

A phrase's texts are functions of the number that chooses the plural, so that their literals stay in
`ngettext`/`gettext` calls that `makemessages` extracts and `tests/test_translations.py` checks. Their
placeholders: `{n}` the figure (a count, or a mass for grams), `{date}` the end of the period (stocks,
readings), `{start}` a stock at the start of the period, `{density}` the figure per 100,000 inhabitants,
`{minimum}`, `{maximum}`, `{mean}`, `{days}` (daily series), `{items}` the figure's parts;
the section composing a phrase with others may add its own (`{years}`, `{total}`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

Plural = Callable[[int], str]
"""A text in the active language for a number (the plural form it takes), still to be formatted."""

OMIT, STATE = "omit", "state"
ZERO_RULES = frozenset({OMIT, STATE})


def against_baseline(_number: int) -> str:
    """The usual reading of a comparison with the indicator's baseline."""
    return _(", against {baseline} {when}")


@dataclass(frozen=True)
class PartOf:
    """How a figure reads after another figure it is a part of (persons referred among the persons convicted).

    `all` when the part is the whole total, `all_hidden` when that must be said without the number (published
    bilans), `most` when a published bilan may not state the part (its remainder is small), `some` otherwise
    (with `{n}` and `{total}`).
    """

    total: str
    all: Plural
    most: Plural
    some: Plural
    all_hidden: Plural | None = None


@dataclass(frozen=True)
class Phrase:
    """How the bilan states one indicator.

    `states`: the figure as a clause opening a sentence (None: no sentence of its own; the bilan's CSV lists it).
    `follows`: the figure as a clause appended to another figure's sentence. `part_of`: likewise, as a part of
    another figure. `parts`: one clause per value of the figure's breakdown, listed in `{items}` of `states`, or
    appended one by one after another figure when the phrase has no `follows`. `zero`: "omit" says nothing of a
    zero figure, "state" says it when its sentence is written. `comparison`: how the figure reads against its
    baseline (`{baseline}`, `{when}`); None: the bilan does not compare it. `none`: the opening clause for a zero
    figure stated because the figures that follow have something to say (« aucune interpellation de trafiquant
    n'a été réalisée » rather than « 0 interpellation … »); None: the figure as `states` reads it.
    """

    states: Plural | None = None
    follows: Plural | None = None
    part_of: PartOf | None = None
    parts: Mapping[str, Plural] = field(default_factory=lambda: MappingProxyType({}))
    zero: str = OMIT
    comparison: Plural | None = None
    none: Plural | None = None


PHRASES: Mapping[str, Phrase] = MappingProxyType(
    {
        # --- Repression --------------------------------------------------------------------------------------
        "networks_dismantled": Phrase(
            states=lambda n: ngettext(
                "{n} trafficking network was dismantled", "{n} trafficking networks were dismantled", n
            ),
        ),
        "deal_points_neutralized": Phrase(
            states=lambda n: ngettext("{n} deal point was neutralized", "{n} deal points were neutralized", n),
        ),
        "deal_points_active": Phrase(
            states=lambda n: ngettext(
                "{n} deal point was still active on {date}", "{n} deal points were still active on {date}", n
            ),
        ),
        "operations": Phrase(
            states=lambda n: ngettext(
                "{n} targeted operation was carried out", "{n} targeted operations were carried out", n
            ),
        ),
        "seizure_mass": Phrase(
            states=lambda n: _("{items} were seized"),
            parts=MappingProxyType(
                {
                    "cannabis": lambda n: _("{n} of cannabis"),
                    "heroin": lambda n: _("{n} of heroin"),
                    "cocaine": lambda n: _("{n} of cocaine"),
                    "crack": lambda n: _("{n} of crack"),
                    "other": lambda n: _("{n} of other products"),
                }
            ),
        ),
        "seizures": Phrase(
            follows=lambda n: ngettext(" ({n} seizure)", " ({n} seizures)", n),
        ),
        "arrests": Phrase(
            parts=MappingProxyType(
                {
                    "user": lambda n: ngettext(
                        "; {n} arrest of a user took place", "; {n} arrests of users took place", n
                    )
                }
            ),
        ),
        "trafficker_arrests": Phrase(
            states=lambda n: ngettext("{n} arrest of a trafficker was made", "{n} arrests of traffickers were made", n),
            zero=STATE,
            none=lambda n: _("no arrest of a trafficker was made"),
        ),
        "convictions": Phrase(),
        "convicted_persons": Phrase(
            states=lambda n: ngettext("{n} person was convicted", "{n} persons were convicted", n),
        ),
        "convicted_persons_referred_to_court": Phrase(
            part_of=PartOf(
                total="convicted_persons",
                all=lambda n: _("; all were brought before the court at once (déferrement)"),
                most=lambda n: _("; most of them were brought before the court at once (déferrement)"),
                some=lambda n: ngettext(
                    "; {n} of them was brought before the court at once (déferrement)",
                    "; {n} of them were brought before the court at once (déferrement)",
                    n,
                ),
            ),
        ),
        "repeat_offenders_convicted": Phrase(),
        "repeat_offenders_residence_ban": Phrase(
            part_of=PartOf(
                total="repeat_offenders_convicted",
                all=lambda n: ngettext(
                    ", and the repeat offender was banned from the town (interdiction de séjour)",
                    ", and the {n} repeat offenders were banned from the town (interdiction de séjour)",
                    n,
                ),
                all_hidden=lambda n: _(
                    ", and all the repeat offenders were banned from the town (interdiction de séjour)"
                ),
                most=lambda n: _(
                    ", and most of the {total} repeat offenders were banned from the town (interdiction de séjour)"
                ),
                some=lambda n: _(
                    ", and {n} of the {total} repeat offenders were banned from the town (interdiction de séjour)"
                ),
            ),
        ),
        "convicted_persons_removal_order": Phrase(
            follows=lambda n: ngettext(
                "; {n} person was ordered removed from French territory",
                "; {n} persons were ordered removed from French territory",
                n,
            ),
        ),
        "staff_deployed": Phrase(
            states=lambda n: _(
                "Every day, between {minimum} and {maximum} police officers and gendarmes were deployed on the "
                "plan's sector ({mean} on average over {days} days)"
            ),
        ),
        # --- Video-protection --------------------------------------------------------------------------------
        "cameras_in_service": Phrase(
            states=lambda n: ngettext("{n} camera is in service on {date}", "{n} cameras are in service on {date}", n),
        ),
        "cameras_installed": Phrase(
            states=lambda n: ngettext(
                "{n} new camera was installed {years}, bringing the total to {total} cameras in service",
                "{n} new cameras were installed {years}, bringing the total to {total} cameras in service",
                n,
            ),
        ),
        "night_cameras_installed": Phrase(
            states=lambda n: ngettext(
                "{n} new night camera was installed {years}, bringing the total to {total} cameras in service",
                "{n} new night cameras were installed {years}, bringing the total to {total} cameras in service",
                n,
            ),
            follows=lambda n: ngettext(". {n} of them has night vision", ". {n} of them have night vision", n),
        ),
        # --- Prevention and care -----------------------------------------------------------------------------
        "prevention_actions": Phrase(
            states=lambda n: ngettext(
                "{n} prevention action was carried out", "{n} prevention actions were carried out", n
            ),
        ),
        "people_reached": Phrase(
            follows=lambda n: ngettext(", reaching {n} person", ", reaching {n} people", n),
        ),
        "care_referrals": Phrase(),
        "persons_referred_to_care": Phrase(
            states=lambda n: ngettext(
                "{n} person identified as a drug user was referred to care",
                "{n} persons identified as drug users were referred to care",
                n,
            ),
        ),
        "shelter_occupancy": Phrase(
            states=lambda n: ngettext(
                "The shelters report {n} person taken in each night on {date}",
                "The shelters report {n} people taken in each night on {date}",
                n,
            ),
            zero=STATE,
            comparison=against_baseline,
        ),
        "hospital_places": Phrase(
            states=lambda n: ngettext(
                "Hospital care offers {n} hospital place on {date}",
                "Hospital care offers {n} hospital places on {date}",
                n,
            ),
            zero=STATE,
            comparison=against_baseline,
        ),
        # --- Housing -----------------------------------------------------------------------------------------
        "eviction_procedures_opened": Phrase(
            states=lambda n: ngettext(
                "Social landlords opened {n} eviction procedure against tenants involved in trafficking",
                "Social landlords opened {n} eviction procedures against tenants involved in trafficking",
                n,
            ),
            zero=STATE,
        ),
        "evictions_carried_out": Phrase(
            follows=lambda n: ngettext("; {n} eviction was carried out", "; {n} evictions were carried out", n),
        ),
        # --- Coordination ------------------------------------------------------------------------------------
        "agreements_signed": Phrase(),  # the bilan names each agreement from the plan's registry instead
        # --- Issue 14: fixed fines, weapons seized, persons checked ----------------------------------------
        "drug_fines": Phrase(
            states=lambda n: ngettext(
                "{n} fixed fine (AFD) was issued for drug use", "{n} fixed fines (AFD) were issued for drug use", n
            ),
            comparison=against_baseline,
        ),
        "drug_fines_paid": Phrase(),
        "weapons_seized": Phrase(
            states=lambda n: ngettext("{n} weapon was seized ({items})", "{n} weapons were seized ({items})", n),
            parts=MappingProxyType(
                {
                    "firearm": lambda n: ngettext("{n} firearm", "{n} firearms", n),
                    "blade": lambda n: ngettext("{n} knife or bladed weapon", "{n} knives or bladed weapons", n),
                    "replica": lambda n: ngettext("{n} replica", "{n} replicas", n),
                    "other": lambda n: ngettext("{n} other weapon", "{n} other weapons", n),
                }
            ),
        ),
        "ammunition_seized": Phrase(
            states=lambda n: ngettext("{n} round of ammunition was seized", "{n} rounds of ammunition were seized", n),
        ),
        "persons_checked": Phrase(
            states=lambda n: ngettext(
                "{n} person was checked during the operations", "{n} persons were checked during the operations", n
            ),
        ),
        "cases_opened": Phrase(
            states=lambda n: ngettext(
                "{n} new case was opened following the operations",
                "{n} new cases were opened following the operations",
                n,
            ),
        ),
        "assets_seized": Phrase(
            states=lambda n: _("{n} € of criminal assets were seized ({items})"),
            parts=MappingProxyType(
                {
                    "cash": lambda n: _("{n} € in cash"),
                    "vehicle": lambda n: _("{n} € in vehicles"),
                    "goods": lambda n: _("{n} € in goods"),
                    "account": lambda n: _("{n} € in bank accounts"),
                }
            ),
        ),
        "seizure_street_value": Phrase(
            states=lambda n: _("The resale value of the drugs seized is estimated at {n} €"),
        ),
        # --- Issue 14, kinds2: deal points by zone, street counts -------------------------------------------
        "deal_points_by_zone": Phrase(
            states=lambda n: ngettext(
                "The number of active deal points went from {start} to {n} ({density} per 100,000 inhabitants): "
                "{items}",
                "The number of active deal points went from {start} to {n} ({density} per 100,000 inhabitants): "
                "{items}",
                n,
            ),
            parts=MappingProxyType(
                {
                    "police": lambda n: _("{n} in the police zone"),
                    "gendarmerie": lambda n: _("{n} in the gendarmerie zone"),
                }
            ),
        ),
        "deal_points_entrenched": Phrase(
            states=lambda n: ngettext(
                "{n} of the active deal points is entrenched (très installé)",
                "{n} of the active deal points are entrenched (très installés)",
                n,
            ),
        ),
        "street_users_daily": Phrase(
            states=lambda n: _(
                "Over the last month, street counts found between {minimum} and {maximum} users present each day "
                "in the public space"
            ),
        ),
        # --- Issue 14, kinds3: administrative measures of the loi narcotrafic ---------------------------------
        # « 61 demandes, 50 arrêtés, 32 notifiés » (Haute-Garonne, 2025): the requests lead, the later stages follow.
        "appearance_bans_requested": Phrase(
            states=lambda n: ngettext(
                "Appearance bans (loi narcotrafic): {n} request", "Appearance bans (loi narcotrafic): {n} requests", n
            ),
            zero=STATE,
        ),
        "appearance_bans_ordered": Phrase(follows=lambda n: ngettext(", {n} order", ", {n} orders", n)),
        "appearance_bans_notified": Phrase(follows=lambda n: ngettext(", {n} notified", ", {n} notified", n)),
        "appearance_bans_breached": Phrase(follows=lambda n: ngettext(", {n} breach found", ", {n} breaches found", n)),
        "appearance_bans_prosecuted": Phrase(
            follows=lambda n: ngettext(", {n} breach prosecuted", ", {n} breaches prosecuted", n)
        ),
        "shop_closures_ordered": Phrase(
            states=lambda n: ngettext(
                "{n} shop was closed by administrative order", "{n} shops were closed by administrative order", n
            ),
        ),
        "eviction_injunctions_ordered": Phrase(
            states=lambda n: ngettext(
                "{n} injunction to evict a tenant involved in trafficking was sent to a landlord",
                "{n} injunctions to evict a tenant involved in trafficking were sent to landlords",
                n,
            ),
        ),
        # --- Issue 14, kinds3: the penal chain ---------------------------------------------------------------
        "penal_steps": Phrase(
            states=lambda n: _("Along the penal chain: {items}"),
            parts=MappingProxyType(
                {
                    "custody": lambda n: ngettext("{n} police custody (garde à vue)", "{n} police custodies", n),
                    "referral": lambda n: ngettext(
                        "{n} referral to the prosecutor", "{n} referrals to the prosecutor", n
                    ),
                    "immediate_trial": lambda n: ngettext("{n} immediate trial", "{n} immediate trials", n),
                    "investigation": lambda n: ngettext(
                        "{n} judicial investigation opened", "{n} judicial investigations opened", n
                    ),
                    "remand": lambda n: ngettext("{n} remand in custody", "{n} remands in custody", n),
                    "sentence": lambda n: ngettext("{n} sentence", "{n} sentences", n),
                }
            ),
        ),
        # « condamnés en moyenne à 26 mois d'emprisonnement ferme »
        "firm_prison_months_mean": Phrase(
            states=lambda n: ngettext(
                "Those sentenced to prison without suspension were sentenced on average to {n} month of it",
                "Those sentenced to prison without suspension were sentenced on average to {n} months of it",
                n,
            ),
        ),
        # --- Issue 14, family 6: harm reduction and care activity ------------------------------------------
        # « Les dispositifs de réduction des risques ont accueilli 12 400 passages ; 4 100 consommations
        # supervisées … » : the passages lead, the other figures follow; `copil.reports.bilan` composes them.
        "care_passages": Phrase(
            states=lambda n: ngettext(
                "The harm-reduction services received {n} visit", "The harm-reduction services received {n} visits", n
            ),
        ),
        "care_supervised_consumptions": Phrase(
            follows=lambda n: ngettext(
                "{n} supervised consumption at the drug consumption room",
                "{n} supervised consumptions at the drug consumption room",
                n,
            ),
        ),
        "care_crack_kits": Phrase(
            follows=lambda n: ngettext(
                "{n} crack pipe kit (kit base) handed out", "{n} crack pipe kits (kits base) handed out", n
            ),
        ),
        "care_syringes": Phrase(follows=lambda n: ngettext("{n} syringe handed out", "{n} syringes handed out", n)),
        "care_overdoses": Phrase(
            follows=lambda n: ngettext("{n} overdose handled", "{n} overdoses handled", n),
        ),
        "care_people_housed": Phrase(
            follows=lambda n: ngettext("{n} person housed or sheltered", "{n} people housed or sheltered", n),
        ),
        # A stock of people followed each month: its range over the months, never a sum.
        "care_active_file": Phrase(
            states=lambda n: _(
                "The active file of the harm-reduction and care services ranged from {minimum} to {maximum} people "
                "depending on the month"
            ),
        ),
    }
)


def phrase_of(code: str) -> Phrase:
    """The phrase of an indicator (KeyError naming the code when the bilan does not report it)."""
    try:
        return PHRASES[code]
    except KeyError:
        raise KeyError(f"indicateur sans phrase du bilan : « {code} »") from None
