"""The Paris plan (plan crack du nord-est parisien, from 2022-10-05): its `plan.toml` spec and its partners'
records, designed so that the figures of the seed article come out exactly (see demo/README.md)."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, datetime, time, timedelta

from demo.common import (
    Plan,
    coord,
    days,
    mass_cells,
    pseudonym,
)
from demo.sanctions import add_penal_chain

P_PLAN_START = date(2022, 10, 5)  # evacuation of the square Forceval
P_START, P_END = date(2023, 1, 1), date(2023, 10, 5)  # the bilan period ("depuis début 2023")
P_TRAFFICKER_ARRESTS = 357
# How entrenched each deal point is (issue 14): the former camp and the squares held for months are « très installés ».
P_INSTALLATION = {
    "forceval": "très installé",
    "villette": "installé",
    "stalingrad": "très installé",
    "rosa_parks": "installé",
    "eole": "très installé",
    "aubervilliers": "ponctuel",
}

P_PLACES = {
    "forceval": ("Square Forceval, porte de la Villette", 48.89830, 2.39110),
    "villette": ("Porte de la Villette, boulevard Macdonald", 48.89790, 2.38560),
    "stalingrad": ("Place de la Bataille-de-Stalingrad", 48.88410, 2.36810),
    "rosa_parks": ("Gare Rosa-Parks, boulevard Macdonald", 48.89640, 2.37370),
    "eole": ("Jardins d'Éole, rue d'Aubervilliers", 48.88770, 2.36470),
    "aubervilliers": ("Porte d'Aubervilliers", 48.89810, 2.37080),
    "riquet": ("Rue Riquet", 48.88920, 2.36990),
    "la_chapelle": ("Porte de la Chapelle", 48.89850, 2.35920),
    "flandre": ("Avenue de Flandre", 48.89060, 2.37640),
    "crimee": ("Rue de Crimée, métro Crimée", 48.89050, 2.37700),
}


NORTH_EAST = "75118-119"  # the plan's territory: the 18th and 19th arrondissements (INSEE 75118 and 75119)


def paris_spec() -> dict[str, object]:
    return {
        "territories": [
            {"insee_code": "11", "name": "Île-de-France", "level": "region", "population": 12271794},
            {
                "insee_code": "75056",
                "name": "Paris",
                "level": "commune",
                "population": 2133111,
                "parent": "11",
            },
            # The plan covers the north-east of Paris, not the whole city: its rates are per inhabitant of the
            # 18th and 19th arrondissements (75118 and 75119, one territory of the plan).
            {
                "insee_code": NORTH_EAST,
                "name": "Nord-est parisien (18e et 19e arrondissements)",
                "level": "arrondissement",
                "population": 370062,
                "parent": "75056",
            },
        ],
        "plan": {
            "slug": "paris",
            "name": "Plan crack du nord-est parisien",
            "territory": NORTH_EAST,
            "started_on": P_PLAN_START,
            "description": (
                "Dispositif mis en place après l'évacuation du square Forceval (porte de la Villette) "
                "le 5 octobre 2022 : présence policière quotidienne pour empêcher la reconstitution "
                "d'un camp, interpellation des trafiquants, réponse pénale du parquet de Paris, et "
                "montée en charge de la prise en charge sanitaire et sociale des consommateurs "
                "(hébergement, lits hospitaliers, maraudes)."
            ),
        },
        "axes": [
            {"code": "coordination", "title": "Coordination des acteurs"},
            {"code": "repression", "title": "Lutte contre le trafic et occupation de l'espace public"},
            {"code": "prevention_care", "title": "Prise en charge sanitaire et sociale"},
        ],
        "partners": [
            {
                "code": "prefecture-police",
                "name": "Préfecture de police",
                "role": "coordinator",
                "axes": ["coordination"],
            },
            {
                "code": "dspap",
                "name": "Police nationale — Direction de la sécurité de proximité de l'agglomération "
                "parisienne (DSPAP)",
                "role": "police",
                "axes": ["repression"],
            },
            {
                "code": "gendarmerie-mobile",
                "name": "Gendarmerie mobile",
                "role": "police",
                "axes": ["repression"],
            },
            {"code": "parquet-paris", "name": "Parquet de Paris", "role": "justice", "axes": ["repression"]},
            {
                "code": "ars-idf",
                "name": "Agence régionale de santé d'Île-de-France",
                "role": "health",
                "axes": ["prevention_care", "coordination"],
            },
            {
                "code": "aphp",
                "name": "Assistance publique — Hôpitaux de Paris",
                "role": "health",
                "axes": ["prevention_care"],
            },
            {"code": "aurore", "name": "Association Aurore", "role": "health", "axes": ["prevention_care"]},
            {"code": "gaia-paris", "name": "Gaïa Paris", "role": "care", "axes": ["prevention_care"]},
            {
                "code": "oppelia-charonne",
                "name": "Oppelia Charonne",
                "role": "care",
                "axes": ["prevention_care"],
            },
            {
                "code": "ville-paris",
                "name": "Ville de Paris",
                "role": "city",
                "axes": ["coordination", "prevention_care"],
            },
            {"code": "public", "name": "Public et presse", "role": "public", "axes": []},
        ],
        "actions": [
            {
                "title": "Empêcher la reconstitution d'un camp de consommateurs dans le nord-est parisien",
                "axis": "repression",
                "owner": "prefecture-police",
                "status": "in_progress",
                "due_on": date(2023, 12, 31),
            },
            {
                "title": "Porter la capacité d'hébergement des consommateurs à 600 places",
                "axis": "prevention_care",
                "owner": "ars-idf",
                "status": "done",
                "due_on": date(2023, 9, 30),
            },
            {
                "title": "Ouvrir quinze lits hospitaliers d'addictologie supplémentaires",
                "axis": "prevention_care",
                "owner": "aphp",
                "status": "done",
                "due_on": date(2023, 7, 1),
            },
            {
                "title": "Renforcer les maraudes autour de la porte de la Villette",
                "axis": "prevention_care",
                "owner": "gaia-paris",
                "status": "done",
                "due_on": date(2023, 3, 31),
            },
            {
                "title": "Ouvrir un nouveau lieu de repos pour les consommateurs",
                "axis": "prevention_care",
                "owner": "ville-paris",
                "status": "planned",
                "due_on": date(2024, 3, 31),
            },
        ],
        # "Ce dispositif doit monter en puissance": the article gives no figure; these are the demo's own.
        "targets": [
            {
                "indicator": "shelter_occupancy",
                "value": 800,
                "note": "Objectif de démonstration : 800 personnes accueillies chaque nuit",
            },
            {
                "indicator": "hospital_places",
                "value": 60,
                "note": "Objectif de démonstration : 60 places dans les dispositifs hospitaliers",
            },
        ],
        "meetings": [
            {
                "held_on": date(2022, 10, 12),
                "title": "Comité de pilotage — après l'évacuation du square Forceval",
                "place": "Préfecture de police, île de la Cité",
                "attendees": [
                    "prefecture-police",
                    "dspap",
                    "gendarmerie-mobile",
                    "parquet-paris",
                    "ars-idf",
                    "ville-paris",
                ],
                "decisions": [
                    "Un dispositif policier est maintenu chaque jour autour de la porte de la Villette.",
                    "L'ARS et la Ville coordonnent l'orientation des consommateurs vers le soin.",
                ],
            },
            {
                "held_on": date(2023, 2, 7),
                "title": "Comité de pilotage n°2",
                "place": "Préfecture de police, île de la Cité",
                "attendees": [
                    "prefecture-police",
                    "dspap",
                    "parquet-paris",
                    "ars-idf",
                    "aphp",
                    "aurore",
                    "ville-paris",
                ],
                "decisions": ["L'AP-HP ouvre des lits d'addictologie supplémentaires au premier semestre."],
            },
            {
                "held_on": date(2023, 6, 20),
                "title": "Comité de pilotage n°3",
                "place": "Hôtel de ville de Paris",
                "attendees": [
                    "prefecture-police",
                    "dspap",
                    "gendarmerie-mobile",
                    "ars-idf",
                    "aurore",
                    "gaia-paris",
                    "oppelia-charonne",
                    "ville-paris",
                ],
                "decisions": ["Les places d'hébergement dédiées seront portées à 600 avant l'automne."],
            },
            {
                "held_on": date(2023, 10, 5),
                "title": "Comité de pilotage — un an après l'évacuation",
                "place": "Préfecture de police, île de la Cité",
                "attendees": [
                    "prefecture-police",
                    "dspap",
                    "gendarmerie-mobile",
                    "parquet-paris",
                    "ars-idf",
                    "aphp",
                    "aurore",
                    "gaia-paris",
                    "oppelia-charonne",
                    "ville-paris",
                ],
                "decisions": [
                    "Le dispositif policier est maintenu.",
                    "La prise en charge sanitaire et sociale doit monter en puissance.",
                ],
            },
        ],
    }


def build_paris() -> Plan:
    rng = random.Random(75056)
    plan = Plan("paris")
    pn = plan.partner("dspap")
    gm = plan.partner("gendarmerie-mobile")

    def random_day(start: date, end: date) -> date:
        return start + timedelta(days=rng.randrange((end - start).days + 1))

    # Daily deployment: one reading per force and per day. Within the bilan period the daily total
    # stays between 100 (reached once) and 800 (reached once); right after the evacuation it was
    # above 800.
    totals: dict[date, int] = {}
    level = 900.0
    for day in days(P_PLAN_START, P_END):
        if day < P_START:
            level = max(520.0, level - rng.uniform(0, 6))
            totals[day] = int(level + rng.uniform(-30, 30))
        else:
            level = min(760.0, max(140.0, level + rng.uniform(-45, 45)))
            totals[day] = int(round(level))
            totals[day] = min(790, max(110, totals[day]))
    totals[P_PLAN_START], totals[date(2022, 10, 6)], totals[date(2022, 12, 31)] = 900, 880, 850
    totals[date(2023, 3, 21)] = 800  # the day of the largest deployment
    totals[date(2023, 8, 15)] = 100  # the smallest
    for day, total in totals.items():
        mobile = int(round(total * rng.uniform(0.22, 0.38)))
        pn.add(
            "releves_deploiement",
            {
                "identifiant": pn.next_id("DEP", day.year),
                "date": day,
                "force": "police nationale",
                "effectifs": total - mobile,
            },
        )
        gm.add(
            "releves_deploiement",
            {
                "identifiant": gm.next_id("DEP", day.year),
                "date": day,
                "force": "gendarmerie mobile",
                "effectifs": mobile,
            },
        )

    # Deal points and operations.
    deal_points = [
        ("PDD-2022-001", "Square Forceval", "forceval", date(2021, 9, 24), P_PLAN_START),
        ("PDD-2022-002", "Porte de la Villette", "villette", date(2022, 10, 6), date(2023, 4, 18)),
        ("PDD-2022-003", "Stalingrad", "stalingrad", date(2022, 10, 20), None),
        ("PDD-2023-001", "Rosa-Parks", "rosa_parks", date(2023, 1, 9), date(2023, 9, 12)),
        ("PDD-2023-002", "Jardins d'Éole", "eole", date(2023, 3, 2), None),
        ("PDD-2023-003", "Porte d'Aubervilliers", "aubervilliers", date(2023, 6, 14), None),
    ]
    for ident, name, place, identified, neutralized in deal_points:
        label, lat, lon = P_PLACES[place]
        pn.add(
            "points_de_deal",
            {
                "identifiant": ident,
                "nom": name,
                "adresse": f"{label}, Paris",
                "latitude": coord(lat),
                "longitude": coord(lon),
                "identifie_le": identified,
                "neutralise_le": neutralized,
                "zone": "police",  # Paris is entirely a police zone
                "installation": P_INSTALLATION[place],
            },
        )

    def active_points(day: date) -> list[str]:
        return [d[0] for d in deal_points if d[3] <= day and (d[4] is None or day <= d[4])]

    operations: dict[str, list[tuple[str, date]]] = defaultdict(list)
    for day in days(P_PLAN_START, date(2023, 12, 31)):
        for partner, prob, ref in ((pn, 0.7, ""), (gm, 0.2, "dspap:")):
            if rng.random() >= prob:
                continue
            points = active_points(day)
            target = rng.choice(points) if points and rng.random() < 0.8 else None
            kind = (
                rng.choice(["voie publique"] * 4 + ["contrôle"] * 2 + ["interpellation", "enquête"])
                if partner is pn
                else rng.choice(["voie publique", "contrôle"])
            )
            ident = partner.next_id("OPE", day.year)
            partner.add(
                "operations",
                {
                    "identifiant": ident,
                    "date": day,
                    "type": kind,
                    "point_de_deal": f"{ref}{target}" if target else None,
                    "effectifs": rng.randint(10, 60),
                },
            )
            operations[partner.code].append((ident, day))

    # Arrests: exactly 357 traffickers within the bilan period, split between the two forces, on
    # its edges too; traffickers before 2023 and after 5 October 2023, and users throughout, do not count.
    def arrest_days(start: date, end: date, count: int) -> list[date]:
        return sorted(random_day(start, end) for _ in range(count))

    trafficker_days = [P_START, P_END] + arrest_days(P_START, P_END, P_TRAFFICKER_ARRESTS - 2)
    outside = (
        [date(2022, 12, 31), date(2023, 10, 6)]
        + arrest_days(P_PLAN_START, date(2022, 12, 30), 96)
        + arrest_days(date(2023, 10, 7), date(2023, 12, 31), 88)
    )
    user_days = arrest_days(P_PLAN_START, date(2023, 12, 31), 420)
    arrests = [(d, "trafiquant") for d in trafficker_days + outside] + [(d, "usager") for d in user_days]
    ops_by_day: dict[tuple[str, date], list[str]] = defaultdict(list)
    for code, ops in operations.items():
        for ident, day in ops:
            ops_by_day[code, day].append(ident)
    for day, role in sorted(arrests):
        partner = gm if rng.random() < 0.08 else pn
        ops = ops_by_day.get((partner.code, day), [])
        partner.add(
            "interpellations",
            {
                "identifiant": partner.next_id("INT", day.year),
                "date": day,
                "role": rng.choice(["trafiquant", "trafiquant", "vendeur"]) if role == "trafiquant" else role,
                "operation": rng.choice(ops) if ops and rng.random() < 0.7 else None,
            },
        )

    # Seizures (crack above all), some during operations.
    for _ in range(150):
        ops = operations["dspap"]
        operation, day = rng.choice(ops) if rng.random() < 0.5 else (None, random_day(P_PLAN_START, date(2023, 12, 31)))
        substance = rng.choice(["crack"] * 5 + ["cocaïne"] * 2 + ["cannabis", "héroïne"])
        grams = {"crack": (1, 60), "cocaïne": (5, 400), "cannabis": (10, 2000), "héroïne": (2, 200)}[substance]
        dg = int(rng.uniform(*grams) * 2) * 5
        quantity, unit = mass_cells(rng, dg)
        pn.add(
            "saisies",
            {
                "identifiant": pn.next_id("SAI", day.year),
                "date": day,
                "substance": substance,
                "quantite": quantity,
                "unite": unit,
                "operation": operation,
            },
        )
    pn.renumber("saisies", "SAI")

    # Convictions by the Paris prosecutor: several years' prison; removal orders for people in
    # irregular situation.
    pq = plan.partner("parquet-paris")
    for n, day in enumerate(sorted(random_day(date(2022, 11, 2), date(2023, 12, 20)) for _ in range(70))):
        months = rng.choice([12, 18, 24, 24, 30, 36, 36, 48, 60])
        removal = rng.random() < 0.35
        pq.add(
            "condamnations",
            {
                "identifiant": pq.next_id("CND", day.year, 3),
                "date": day,
                "pseudonyme": pseudonym(f"paris-condamne-{n + 1:03d}"),
                "peine": f"{months // 12} an{'s' if months >= 24 else ''}"
                + (" et 6 mois" if months % 12 else "")
                + " d'emprisonnement"
                + (", interdiction du territoire français" if removal else ""),
                "emprisonnement_mois": months,
                "recidiviste": rng.random() < 0.45,
                "deferement": True,
                "interdiction_sejour": rng.random() < 0.5,
                "obligation_soins": rng.random() < 0.2,
                "reconduite_frontiere": removal,
            },
        )

    # People sheltered each night (Aurore): 200 before the plan, rising to 610 on 5 October 2023, then beyond.
    shelter = plan.partner("aurore")
    ramp_days = (P_END - P_PLAN_START).days
    for day in days(date(2022, 6, 1), date(2023, 12, 31)):
        if day < P_PLAN_START:
            value = 200
        elif day < P_END:
            progress = (day - P_PLAN_START).days / ramp_days
            value = min(605, int(200 + 410 * progress**0.8 + rng.randint(-12, 12)))
            value = max(200, value)
        elif day == P_END:
            value = 610
        else:
            value = 610 + rng.randint(0, 25)
        shelter.add(
            "releves_capacite",
            {
                "identifiant": shelter.next_id("CAP", day.year),
                "date": day,
                "type": "personnes hébergées",
                "valeur": value,
            },
        )

    # Hospital places (AP-HP), monthly: 35 before the plan, 40 from February 2023, 50 from July 2023.
    hospital = plan.partner("aphp")
    for month in range(19):
        day = date(2022 + (month + 5) // 12, (month + 5) % 12 + 1, 1)
        value = 35 if day < date(2023, 2, 1) else 40 if day < date(2023, 7, 1) else 50
        hospital.add(
            "releves_capacite",
            {
                "identifiant": hospital.next_id("CAP", day.year, 3),
                "date": day,
                "type": "places hospitalières",
                "valeur": value,
            },
        )

    # Outreach and referrals by the associations.
    people = [pseudonym(f"paris-usager-{n:04d}") for n in range(1, 241)]
    for code, kinds_ in {
        "gaia-paris": [
            ("maraude", "Maraude", 10, 60),
            ("réduction des risques", "Distribution de matériel", 20, 90),
        ],
        "oppelia-charonne": [
            ("réduction des risques", "Accueil réduction des risques", 15, 70),
            ("maraude", "Aller vers", 8, 40),
            ("formation", "Formation des intervenants", 6, 20),
        ],
        "ville-paris": [("sensibilisation", "Réunion publique d'information", 30, 150)],
    }.items():
        assoc = plan.partner(code)
        count = 12 if code == "ville-paris" else 110
        for day in sorted(random_day(P_PLAN_START, date(2023, 12, 31)) for _ in range(count)):
            kind, title, low, high = rng.choice(kinds_)
            place = rng.choice(list(P_PLACES.values()))[0].split(",")[0]
            assoc.add(
                "actions_prevention",
                {
                    "identifiant": assoc.next_id("ACT", day.year, 3),
                    "date": day,
                    "type": kind,
                    "intitule": f"{title} — {place}",
                    "personnes_touchees": rng.randint(low, high),
                },
            )
    referrals = [
        (random_day(P_PLAN_START, date(2023, 12, 31)), rng.choice(["gaia-paris", "oppelia-charonne"]), p)
        for p in people
    ]
    referrals += [
        (random_day(P_START, P_END), rng.choice(["gaia-paris", "oppelia-charonne"]), p) for p in rng.sample(people, 60)
    ]
    for day, code, person in sorted(referrals):
        assoc = plan.partner(code)
        assoc.add(
            "orientations_soins",
            {
                "identifiant": assoc.next_id("ORI", day.year),
                "date": day,
                "destination": rng.choice(["hébergement"] * 4 + ["csapa", "caarud", "caarud", "hôpital"]),
                "pseudonyme": person,
                "issue": rng.choice(["admis"] * 5 + ["en attente", "refus", "perdu de vue"]),
            },
        )

    # Field observations around the former camp: 100 to 150 users still wander in the north-east.
    observers = [
        ("gaia-paris", "maraude", 0.5),
        ("oppelia-charonne", "équipe de rue", 0.3),
        ("dspap", "patrouille", 0.9),
    ]
    for day in days(P_PLAN_START, date(2023, 12, 31)):
        for code, source, prob in observers:
            if rng.random() >= prob:
                continue
            observer = plan.partner(code)
            place = rng.choice(list(P_PLACES))
            label, lat, lon = P_PLACES[place]
            hour = rng.choice([6, 9, 13, 18, 21, 23, 1])
            at = datetime.combine(day, time(hour, rng.choice([0, 10, 20, 30, 40, 50])))
            observer.add(
                "observations_terrain",
                {
                    "identifiant": observer.next_id("OBS", day.year),
                    "date_heure": at,
                    "adresse": f"{label}, Paris",
                    "latitude": coord(lat + rng.uniform(-0.0008, 0.0008)),
                    "longitude": coord(lon + rng.uniform(-0.0010, 0.0010)),
                    "personnes": rng.randint(2, 45)
                    if place in ("villette", "rosa_parks", "eole", "stalingrad")
                    else rng.randint(0, 12),
                    "source": source,
                },
            )

    # A scene re-forming in the last weeks before the committee of 5 October 2023: from 17 September, more and
    # more observations of a growing group rue Riquet, by the rue de Tanger — what the early warning must flag on
    # 2023-10-05, and the only thing it flags. Its own random stream leaves the background above unchanged, and its
    # rows come after the background ones, whose identifiers stay as they were.
    regroup = random.Random(75057)
    label, lat, lon = "Rue Riquet, angle rue de Tanger", 48.88915, 2.37015
    for n, day in enumerate(days(date(2023, 9, 17), P_END)):
        for _ in range(1 + n // 7):  # one report a day in the first week, two in the second, three in the third
            code, source, _prob = regroup.choice(observers)
            observer = plan.partner(code)
            at = datetime.combine(day, time(regroup.choice([6, 9, 13, 18, 21, 23]), regroup.choice([0, 15, 30, 45])))
            observer.add(
                "observations_terrain",
                {
                    "identifiant": observer.next_id("OBS", day.year),
                    "date_heure": at,
                    "adresse": f"{label}, Paris",
                    "latitude": coord(lat + regroup.uniform(-0.0003, 0.0003)),
                    "longitude": coord(lon + regroup.uniform(-0.0004, 0.0004)),
                    "personnes": regroup.randint(4 + n, 10 + 2 * n),
                    "source": source,
                },
            )

    _street_counts(plan)
    _care_activity(plan)

    plan.partner("prefecture-police").add(
        "conventions",
        {
            "identifiant": "CONV-2023-01",
            "intitule": "Protocole de coordination sanitaire et sociale du plan crack",
            "signee_le": date(2023, 6, 20),
            "axe": "prévention et soins",
            "signataires": "|".join(["prefecture-police", "ars-idf", "ville-paris", "aphp", "aurore"]),
        },
    )
    add_year_before(plan)
    add_penal_chain(plan, "parquet-paris", "paris-penal-chain", (date(2022, 10, 5), date(2023, 12, 31), 120))
    return plan


P_TRAFFICKER_ARRESTS_YEAR_BEFORE = 285  # 1 January to 5 October 2022, as the communiqués compare


def add_year_before(plan: Plan) -> None:
    """Trafficker and user arrests from 1 January 2022 to the eve of the plan (4 October 2022), so that the
    bilan compares its 357 trafficker arrests with the same period of 2022 (285): records before the plan's start
    only, drawn from their own seed, so every figure of the plan's period stays as it is."""
    rng = random.Random(75019)
    pn, gm = plan.partner("dspap"), plan.partner("gendarmerie-mobile")
    window = (date(2022, 1, 1), date(2022, 10, 5))
    already = sum(
        1
        for partner in (pn, gm)
        for row in partner.files.get("interpellations", [])
        if window[0] <= row["date"] <= window[1] and row["role"] != "usager"
    )
    before_plan = (window[0], P_PLAN_START - timedelta(days=1))
    span = (before_plan[1] - before_plan[0]).days + 1
    arrests = [("trafiquant", P_TRAFFICKER_ARRESTS_YEAR_BEFORE - already), ("usager", 310)]
    for role, count in arrests:
        for day in sorted(before_plan[0] + timedelta(days=rng.randrange(span)) for _ in range(count)):
            partner = gm if rng.random() < 0.08 else pn
            partner.add(
                "interpellations",
                {"identifiant": partner.next_id("INT", day.year), "date": day, "role": role, "operation": None},
            )


P_STREET_COUNT_ZONES = ("Porte de la Chapelle", "Stalingrad", "Jardins d'Éole", "Porte de la Villette")
P_STREET_COUNT_RANGE = (100, 150)  # « encore 100 à 150 consommateurs de crack errent dans le nord de la capitale »


def _street_counts(plan: Plan) -> None:
    """The nightly street count (maraude de nuit) of the last five weeks before the committee, one row per zone:
    every day's total lies between 100 and 150, both reached in the bilan's last month. Its own random stream
    and its own file leave every other demo figure unchanged."""
    rng = random.Random(75058)
    counter = plan.partner("gaia-paris")
    low, high = P_STREET_COUNT_RANGE
    for day in days(date(2023, 9, 1), P_END):
        total = {date(2023, 9, 12): low, date(2023, 9, 27): high}.get(day, rng.randint(low + 1, high - 1))
        weights = [rng.uniform(0.5, 1.5) for _zone in P_STREET_COUNT_ZONES]
        shares = [int(total * w / sum(weights)) for w in weights]
        shares[0] += total - sum(shares)
        at = datetime.combine(day, time(22, 0))
        for zone, people in zip(P_STREET_COUNT_ZONES, shares, strict=True):
            counter.add(
                "comptages_rue",
                {"identifiant": counter.next_id("CPT", day.year), "date_heure": at, "zone": zone, "personnes": people},
            )


# Harm reduction and care activity (issue 14, family 6), month by month from January 2022 to September 2023 (the last
# full month before the committee of 5 October 2023). Modelled on the IGA-IGAS report on the haltes soins addictions
# (IGA n° 24038, IGAS n° 2024-036R, October 2024): the Paris HSA (Gaïa Paris, by the Lariboisière hospital, for
# injectors since 2020) had an active file of about 800 users over 2023 and about 194 supervised consumptions a day;
# 79 % of its users are homeless. The monthly active file (people seen in the month) is below the year's; the
# CAARUD and the crack outreach team hand out the kits base (inhalation) the HSA does not.
P_CARE_SITES = (
    # partner, site, type, active file range, supervised consumptions a day, passages per consumption or a month,
    # kits base a month, syringes a month, overdoses a month, people housed a month
    ("gaia-paris", "Halte soins addictions Paris", "halte soins addictions", (470, 560), 194, None, (0, 0),
     (6200, 6900), (1, 6), (0, 0)),
    ("oppelia-charonne", "CAARUD Oppelia Charonne", "CAARUD", (330, 420), 0, (1600, 2100), (1900, 2600),
     (1300, 1800), (0, 2), (6, 14)),
    ("gaia-paris", "Maraude crack nord-est", "maraude", (240, 320), 0, None, (1100, 1600), (150, 350), (0, 1),
     (4, 11)),
)  # fmt: skip


def _care_activity(plan: Plan) -> None:
    """One row per site and month. Its own random stream and its own file leave every other figure unchanged."""
    rng = random.Random(75059)
    month = date(2022, 1, 1)
    while month <= date(2023, 9, 1):
        following = (month + timedelta(days=32)).replace(day=1)
        month_days = (following - month).days
        for code, site, kind, active, per_day, passages, kits, syringes, overdoses, housed in P_CARE_SITES:
            partner = plan.partner(code)
            consumptions = round(per_day * month_days * rng.uniform(0.94, 1.06))
            if passages is None:  # the HSA: a visit for each consumption and some more (care, rest, talk)
                visits = round(consumptions * rng.uniform(1.22, 1.30))
            else:
                visits = rng.randint(*passages)
            partner.add(
                "activite_rdr",
                {
                    "identifiant": partner.next_id("RDR", month.year),
                    "site": site,
                    "type_site": kind,
                    "mois": month,
                    "file_active": rng.randint(*active),
                    "passages": visits,
                    "consommations_supervisees": consumptions,
                    "kits_base": rng.randint(*kits),
                    "seringues": rng.randint(*syringes),
                    "overdoses": rng.randint(*overdoses),
                    "personnes_hebergees": rng.randint(*housed),
                },
            )
        month = following
