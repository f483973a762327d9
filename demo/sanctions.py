"""Demo rows of issue 14, families 5 and 4: the administrative measures of the loi narcotrafic (13 June 2025)
recorded by the préfecture, and the penal chain recorded by the parquet.

Each plan draws them from a random stream of its own, so every other row, and every seed figure, stays as it was.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from demo.common import Plan, pseudonym

# The measures exist from the law of 13 June 2025: Alençon's are dated in its second half.
MEASURES_FROM, MEASURES_TO = date(2025, 7, 1), date(2025, 12, 31)
# Appearance bans of Alençon by the last stage reached: requested 14, ordered 11, notified 8, breached 2,
# prosecuted 1 (the « 61 demandes, 50 arrêtés, 32 notifiés » of the Haute-Garonne, at Alençon's scale).
APPEARANCE_BANS = {"requested": 14, "ordered": 11, "notified": 8, "breached": 2, "prosecuted": 1}


def _after(rng: random.Random, day: date, low: int, high: int) -> date:
    return day + timedelta(days=rng.randint(low, high))


def add_administrative_measures(plan: Plan, partner_code: str, places: list[str], seed: str) -> None:
    """Appearance bans through their stages, two shop closures and one injunction to a landlord, between
    `MEASURES_FROM` and `MEASURES_TO` (every stage within it)."""
    rng = random.Random(seed)
    prefecture = plan.partner(partner_code)
    rows = []
    for n in range(APPEARANCE_BANS["requested"]):
        requested = _after(rng, MEASURES_FROM, 0, 110)
        row: dict[str, object] = {
            "mesure": "interdiction de paraître",
            "pseudonyme": pseudonym(f"{seed}-personne-{n:03d}"),
            "adresse": rng.choice(places),
            "demandee_le": requested,
        }
        stages = (("ordered", "arretee_le", 2, 12), ("notified", "notifiee_le", 1, 8))
        stages += (("breached", "violee_le", 5, 20), ("prosecuted", "poursuivie_le", 2, 10))
        day = requested
        for stage, column, low, high in stages:
            if n >= APPEARANCE_BANS[stage]:
                break
            day = _after(rng, day, low, high)
            row[column] = day
        if "arretee_le" in row:
            row["duree_jours"] = rng.choice([15, 30, 30])
        rows.append(row)
    for days in (60, 90):
        requested = _after(rng, MEASURES_FROM, 10, 120)
        ordered = _after(rng, requested, 5, 20)
        rows.append(
            {
                "mesure": "fermeture administrative",
                "adresse": rng.choice(places),
                "demandee_le": requested,
                "arretee_le": ordered,
                "notifiee_le": _after(rng, ordered, 1, 3),
                "duree_jours": days,
            }
        )
    requested = _after(rng, MEASURES_FROM, 30, 90)
    rows.append(
        {
            "mesure": "injonction au bailleur",
            "pseudonyme": pseudonym(f"{seed}-locataire-001"),
            "adresse": rng.choice(places),
            "demandee_le": requested,
            "arretee_le": _after(rng, requested, 7, 21),
        }
    )
    rows.sort(key=lambda r: (r["demandee_le"], str(r["mesure"])))
    for row in rows:
        prefecture.add("mesures_administratives", {"identifiant": prefecture.next_id("MES", 2025, 3), **row})


def add_penal_chain(plan: Plan, partner_code: str, seed: str, unprosecuted: tuple[date, date, int]) -> None:
    """The penal chain of the persons the parquet convicted (its `condamnations` rows): garde à vue and
    déferrement before the conviction, a comparution immédiate (and a mandat de dépôt for a firm sentence of a
    year or more) or else an information judiciaire, then the sentence with its firm and suspended months read
    from the conviction (« dont 6 avec sursis »); plus `unprosecuted` = (from, to, count) persons held in garde à
    vue and released without prosecution."""
    rng = random.Random(seed)
    parquet = plan.partner(partner_code)
    steps: list[tuple[date, str, str, dict[str, object]]] = []
    for conviction in parquet.files["condamnations"]:
        day, person, months = conviction["date"], str(conviction["pseudonyme"]), int(conviction["emprisonnement_mois"])
        assert isinstance(day, date)
        suspended = 6 if "dont 6 avec sursis" in str(conviction["peine"]) else 0
        firm = months - suspended
        immediate = rng.random() < 0.7
        custody = day - timedelta(days=2 if immediate else rng.randint(60, 240))
        steps.append((custody, person, "garde à vue", {}))
        steps.append((custody + timedelta(days=1), person, "déferrement", {}))
        if immediate:
            steps.append((day, person, "comparution immédiate", {}))
            if firm >= 12:
                steps.append((day, person, "mandat de dépôt", {}))
        else:
            steps.append((custody + timedelta(days=1), person, "information judiciaire", {}))
        months_cells = {"ferme_mois": firm or None, "sursis_mois": suspended or None}
        steps.append((day, person, "condamnation", months_cells))
    start, end, count = unprosecuted
    for n in range(count):
        day = start + timedelta(days=rng.randint(0, (end - start).days))
        steps.append((day, pseudonym(f"{seed}-gav-{n:03d}"), "garde à vue", {}))
    order = ["garde à vue", "déferrement", "information judiciaire", "comparution immédiate", "mandat de dépôt"]
    steps.sort(key=lambda s: (s[0], s[1], order.index(s[2]) if s[2] in order else len(order)))
    for day, person, stage, cells in steps:
        parquet.add(
            "chaine_penale",
            {"identifiant": parquet.next_id("PEN", day.year), "date": day, "pseudonyme": person, "etape": stage}
            | cells,
        )
