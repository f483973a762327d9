"""The Alençon plan (plan anti-crack, 2023-2024): its `plan.toml` spec and its partners' records, designed so
that the figures of the seed article come out exactly (see demo/README.md)."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, datetime, time, timedelta

from demo.common import (
    Partner,
    Plan,
    coord,
    days,
    mass_cells,
    pseudonym,
    split_mass,
)
from demo.sanctions import add_administrative_measures, add_penal_chain

A_START, A_END = date(2023, 1, 1), date(2024, 6, 30)  # the bilan period (18 months)
A_TOTALS_G = {"cannabis": 35_000, "héroïne": 5_100, "cocaïne": 2_150, "crack": 548}
A_CARE = ["drogaide-61", "addictions-france", "croix-rouge", "entraidaddict61"]
A_LANDLORDS = ["orne-habitat", "logis-familial"]

# Places of Alençon: (label, latitude, longitude)
A_PLACES = {
    "perseigne_limousin": ("Rue du Limousin, quartier de Perseigne", 48.44170, 0.10620),
    "perseigne_vendee": ("Rue de Vendée, quartier de Perseigne", 48.44045, 0.10395),
    "champ_perrault": ("Place du Champ-Perrault", 48.43690, 0.08410),
    "courteille_quakenbruck": ("Avenue de Quakenbrück, quartier de Courteille", 48.44380, 0.07760),
    "courteille_rue": ("Rue de Courteille", 48.44140, 0.08020),
    "gare_wilson": ("Avenue Wilson, quartier de la gare", 48.43450, 0.10070),
    "promenades": ("Parc des Promenades, rue Frédéric-Lecointre", 48.43170, 0.08730),
    "grande_rue": ("Grande Rue", 48.43050, 0.09060),
    "clemenceau": ("Cours Clemenceau", 48.43010, 0.08890),
    "magenta": ("Place du Général-de-Gaulle", 48.43210, 0.08960),
    "sieurs": ("Rue aux Sieurs", 48.43140, 0.09030),
    "halle_ble": ("Place de la Halle-au-Blé", 48.43090, 0.09130),
    "saint_leonard": ("Rue Saint-Léonard", 48.42930, 0.09210),
    "lancrel": ("Rue de Lancrel", 48.42990, 0.08460),
    "montsort": ("Place du Palais, Montsort", 48.42720, 0.08990),
    "villeneuve": ("Boulevard de la République", 48.43360, 0.08070),
    "bretagne": ("Rue de Bretagne", 48.43720, 0.08290),
    "plessis": ("Rue du Plessis", 48.43800, 0.09580),
    "denis_papin": ("Rue Denis-Papin", 48.43560, 0.10310),
    "duchamp": ("Boulevard Duchamp", 48.42920, 0.09700),
}


def alencon_spec() -> dict[str, object]:
    return {
        "territories": [
            {"insee_code": "28", "name": "Normandie", "level": "region", "population": 3317023},
            {
                "insee_code": "61",
                "name": "Orne",
                "level": "departement",
                "population": 276903,
                "parent": "28",
            },
            {
                "insee_code": "61001",
                "name": "Alençon",
                "level": "commune",
                "population": 25848,
                "parent": "61",
            },
        ],
        "plan": {
            "slug": "alencon",
            "name": "Plan anti-crack d'Alençon",
            "territory": "61001",
            "started_on": date(2023, 1, 1),
            "description": (
                "Plan de lutte contre le trafic et la consommation de crack à Alençon, installé en "
                "janvier 2023 et piloté par le préfet de l'Orne, le maire d'Alençon et la procureure "
                "de la République : répression du trafic, vidéoprotection, prévention et soins avec "
                "les associations, expulsion des locataires impliqués dans le trafic avec les "
                "bailleurs sociaux."
            ),
        },
        "axes": [
            {"code": "repression", "title": "Répression du trafic"},
            {"code": "videoprotection", "title": "Vidéoprotection"},
            {"code": "prevention_care", "title": "Prévention et accompagnement vers le soin"},
            {"code": "housing", "title": "Tranquillité résidentielle dans le parc social"},
            {"code": "coordination", "title": "Pilotage et coordination"},
        ],
        "partners": [
            {
                "code": "prefecture",
                "name": "Préfecture de l'Orne — cabinet du préfet",
                "role": "coordinator",
                "axes": ["coordination"],
            },
            {
                "code": "police-nationale",
                "name": "Police nationale — commissariat d'Alençon",
                "role": "police",
                "axes": ["repression"],
            },
            {
                "code": "police-municipale",
                "name": "Police municipale d'Alençon",
                "role": "police",
                "axes": ["repression"],
            },
            {
                "code": "gendarmerie",
                "name": "Groupement de gendarmerie départementale de l'Orne",
                "role": "police",
                "axes": ["repression"],
            },
            {
                "code": "parquet",
                "name": "Parquet du tribunal judiciaire d'Alençon",
                "role": "justice",
                "axes": ["repression"],
            },
            {
                "code": "mairie",
                "name": "Ville d'Alençon — centre de supervision urbain",
                "role": "city",
                "axes": ["videoprotection", "coordination"],
            },
            {"code": "orne-habitat", "name": "Orne Habitat", "role": "housing", "axes": ["housing"]},
            {"code": "logis-familial", "name": "Le Logis Familial", "role": "housing", "axes": ["housing"]},
            {"code": "drogaide-61", "name": "Drog'Aide 61", "role": "care", "axes": ["prevention_care"]},
            {
                "code": "addictions-france",
                "name": "Association Addictions France — Orne",
                "role": "care",
                "axes": ["prevention_care"],
            },
            {
                "code": "croix-rouge",
                "name": "Croix-Rouge française — unité locale d'Alençon",
                "role": "care",
                "axes": ["prevention_care"],
            },
            {
                "code": "entraidaddict61",
                "name": "Entraid'Addict61",
                "role": "care",
                "axes": ["prevention_care"],
            },
            {
                "code": "chicam",
                "name": "Centre hospitalier intercommunal Alençon-Mamers",
                "role": "health",
                "axes": ["prevention_care"],
            },
            {"code": "public", "name": "Public et presse", "role": "public", "axes": []},
        ],
        "actions": [
            {
                "title": "Installer vingt caméras à vision nocturne sur les secteurs de deal",
                "axis": "videoprotection",
                "owner": "mairie",
                "status": "done",
                "due_on": date(2023, 12, 31),
            },
            {
                "title": "Signer la convention d'expulsion des locataires impliqués dans le trafic",
                "axis": "housing",
                "owner": "prefecture",
                "status": "done",
                "due_on": date(2023, 6, 30),
            },
            {
                "title": "Organiser des opérations ciblées quotidiennes sur les points de deal identifiés",
                "axis": "repression",
                "owner": "police-nationale",
                "status": "in_progress",
                "due_on": date(2024, 12, 31),
            },
            {
                "title": "Systématiser le déferrement des trafiquants interpellés",
                "axis": "repression",
                "owner": "parquet",
                "status": "done",
                "due_on": date(2023, 3, 31),
            },
            {
                "title": "Mettre en place des maraudes communes à Perseigne et Courteille",
                "axis": "prevention_care",
                "owner": "drogaide-61",
                "status": "done",
                "due_on": date(2023, 4, 30),
            },
            {
                "title": "Intervenir dans tous les collèges de la ville",
                "axis": "prevention_care",
                "owner": "addictions-france",
                "status": "in_progress",
                "due_on": date(2024, 6, 30),
            },
            {
                "title": "Ouvrir un créneau de consultation addictologie sans rendez-vous",
                "axis": "prevention_care",
                "owner": "chicam",
                "status": "planned",
                "due_on": date(2024, 12, 31),
            },
            {
                "title": "Étendre la vidéoprotection au parc des Promenades",
                "axis": "videoprotection",
                "owner": "mairie",
                "status": "cancelled",
                "due_on": date(2024, 3, 31),
            },
        ],
        # The seed article gives no target: these are the demo's own, so the dashboard shows attainment.
        "targets": [
            {
                "indicator": "cameras_in_service",
                "value": 80,
                "note": "Objectif de démonstration : 80 caméras en service à la fin du plan",
            },
            {
                "indicator": "deal_points_neutralized",
                "value": 6,
                "note": "Objectif de démonstration : 6 points de deal neutralisés sur la durée du plan",
            },
        ],
        "meetings": [
            {
                "held_on": date(2023, 1, 17),
                "title": "COPIL n°1 — installation du plan anti-crack",
                "place": "Préfecture de l'Orne",
                "attendees": ["prefecture", "mairie", "parquet", "police-nationale", "police-municipale"],
                "decisions": [
                    "Le plan anti-crack d'Alençon est installé pour une durée indéterminée.",
                    "Des opérations ciblées seront menées quotidiennement sur les points de deal identifiés.",
                    "Les trafiquants interpellés seront systématiquement déférés.",
                ],
            },
            {
                "held_on": date(2023, 6, 27),
                "title": "COPIL n°2",
                "place": "Préfecture de l'Orne",
                "attendees": [
                    "prefecture",
                    "mairie",
                    "parquet",
                    "police-nationale",
                    "orne-habitat",
                    "logis-familial",
                    "drogaide-61",
                    "addictions-france",
                ],
                "decisions": [
                    "La convention avec les bailleurs sociaux est signée et entre en application.",
                    "Vingt caméras à vision nocturne seront installées avant la fin de l'année.",
                ],
            },
            {
                "held_on": date(2023, 12, 12),
                "title": "COPIL n°3",
                "place": "Hôtel de ville d'Alençon",
                "attendees": [
                    "prefecture",
                    "mairie",
                    "parquet",
                    "police-nationale",
                    "police-municipale",
                    "croix-rouge",
                    "entraidaddict61",
                    "chicam",
                ],
                "decisions": [
                    "Les maraudes communes sont étendues au quartier de la gare.",
                    "Le centre hospitalier étudie un créneau de consultation sans rendez-vous.",
                ],
            },
            {
                "held_on": date(2024, 7, 9),
                "title": "COPIL n°4 — bilan à 18 mois",
                "place": "Préfecture de l'Orne",
                "attendees": [
                    "prefecture",
                    "mairie",
                    "parquet",
                    "police-nationale",
                    "police-municipale",
                    "gendarmerie",
                    "orne-habitat",
                    "logis-familial",
                    "drogaide-61",
                    "addictions-france",
                    "croix-rouge",
                    "entraidaddict61",
                    "chicam",
                ],
                "decisions": [
                    "Le bilan à 18 mois est approuvé et sera présenté à la presse.",
                    "Le plan est reconduit aussi longtemps que nécessaire.",
                ],
            },
        ],
    }


def build_alencon() -> Plan:
    rng = random.Random(61001)
    plan = Plan("alencon")
    pn = plan.partner("police-nationale")
    pm = plan.partner("police-municipale")
    gd = plan.partner("gendarmerie")

    # Networks: two dismantled within the period, one before the plan, one still active.
    networks = [
        ("RES-2021-01", "Réseau de Perseigne", date(2021, 2, 8), date(2022, 10, 18)),
        ("RES-2022-01", "Réseau du Champ-Perrault", date(2022, 4, 11), date(2023, 6, 20)),
        ("RES-2022-02", "Réseau de la gare", date(2022, 10, 3), date(2024, 3, 12)),
        ("RES-2023-01", "Réseau de Courteille", date(2023, 8, 30), None),
    ]
    for ident, name, identified, dismantled in networks:
        pn.add(
            "reseaux",
            {"identifiant": ident, "nom": name, "identifie_le": identified, "demantele_le": dismantled},
        )

    # Deal points: four neutralized within the period (two on its very edges), two active,
    # one before the plan.
    deal_points = [
        (
            "PDD-2021-001",
            "Perseigne — rue du Limousin",
            "perseigne_limousin",
            "RES-2021-01",
            date(2021, 3, 10),
            date(2022, 10, 18),
        ),
        (
            "PDD-2022-001",
            "Champ-Perrault",
            "champ_perrault",
            "RES-2022-01",
            date(2022, 5, 2),
            date(2023, 1, 1),
        ),
        (
            "PDD-2022-002",
            "Courteille — avenue de Quakenbrück",
            "courteille_quakenbruck",
            "RES-2022-01",
            date(2022, 9, 14),
            date(2023, 6, 20),
        ),
        (
            "PDD-2022-003",
            "Perseigne — rue de Vendée",
            "perseigne_vendee",
            "RES-2022-02",
            date(2022, 11, 7),
            date(2023, 11, 28),
        ),
        (
            "PDD-2023-001",
            "Gare — avenue Wilson",
            "gare_wilson",
            "RES-2022-02",
            date(2023, 2, 21),
            date(2024, 6, 30),
        ),
        ("PDD-2023-002", "Rue de Courteille", "courteille_rue", "RES-2023-01", date(2023, 9, 5), None),
        ("PDD-2024-001", "Parc des Promenades", "promenades", None, date(2024, 2, 12), None),
    ]
    for ident, name, place, network, identified, neutralized in deal_points:
        label, lat, lon = A_PLACES[place]
        pn.add(
            "points_de_deal",
            {
                "identifiant": ident,
                "nom": name,
                "adresse": f"{label}, 61000 Alençon",
                "latitude": coord(lat),
                "longitude": coord(lon),
                "reseau": network,
                "identifie_le": identified,
                "neutralise_le": neutralized,
            },
        )

    def active_points(day: date) -> list[str]:
        return [d[0] for d in deal_points if d[4] <= day and (d[5] is None or day <= d[5])]

    # Operations: near-daily targeted operations on the active deal points.
    kinds = ["voie publique"] * 5 + ["contrôle"] * 3 + ["perquisition", "interpellation", "enquête"]
    operations: dict[str, list[tuple[str, date]]] = defaultdict(list)  # partner -> (identifiant, day)
    for day in days(date(2022, 10, 1), date(2024, 9, 30)):
        in_plan = day >= A_START
        for partner, prob, prefix_ref in (
            (pn, 0.36 if in_plan else 0.12, ""),
            (pm, 0.09 if in_plan else 0.03, "police-nationale:"),
            (gd, 0.02 if in_plan else 0.0, "police-nationale:"),
        ):
            if rng.random() >= prob:
                continue
            points = active_points(day)
            target = rng.choice(points) if points and rng.random() < 0.85 else None
            kind = rng.choice(kinds) if partner is pn else rng.choice(["voie publique", "contrôle"])
            ident = partner.next_id("OPE", day.year)
            partner.add(
                "operations",
                {
                    "identifiant": ident,
                    "date": day,
                    "type": kind,
                    "point_de_deal": f"{prefix_ref}{target}" if target else None,
                    "effectifs": rng.randint(4, 12) if kind in ("voie publique", "contrôle") else rng.randint(8, 30),
                },
            )
            operations[partner.code].append((ident, day))

    def random_day(start: date, end: date) -> date:
        return start + timedelta(days=rng.randrange((end - start).days + 1))

    def seizure(partner: Partner, substance: str, dg: int, day: date | None = None, link: float = 0.0) -> None:
        ops = [o for o in operations[partner.code] if A_START <= o[1] <= A_END]
        operation = None
        if day is None:
            if ops and rng.random() < link:
                operation, day = rng.choice(ops)
            else:
                day = random_day(A_START, A_END)
        quantity, unit = mass_cells(rng, dg)
        partner.add(
            "saisies",
            {
                "identifiant": partner.next_id("SAI", day.year),
                "date": day,
                "substance": substance,
                "quantite": quantity,
                "unite": unit,
                "operation": operation,
            },
        )

    # Seizures within the period: exact totals per substance, split between the national and municipal police.
    plan_seizures: list[tuple[Partner, str, int]] = []
    for substance, total, pieces, small, large in (
        ("cannabis", A_TOTALS_G["cannabis"], 70, 5, 4000),
        ("héroïne", A_TOTALS_G["héroïne"], 34, 2, 600),
        ("cocaïne", A_TOTALS_G["cocaïne"], 30, 1, 300),
        ("crack", A_TOTALS_G["crack"], 58, 0.5, 25),
    ):
        for dg in split_mass(rng, total, pieces, small, large):
            # The municipal police finds the small quantities on the public road.
            partner = pm if dg < 200 and rng.random() < 0.3 else pn
            plan_seizures.append((partner, substance, dg))
    for partner, substance, dg in plan_seizures:
        seizure(partner, substance, dg, link=0.6 if partner is pn else 0.4)
    # Outside the period, to prove the period filter; one seizure of another substance, counted in tablets.
    seizure(pn, "cannabis", 12_500, day=date(2022, 12, 31))
    seizure(pn, "crack", 85, day=date(2022, 11, 24))
    seizure(pn, "héroïne", 1_500, day=date(2024, 7, 1))
    seizure(pm, "crack", 120, day=date(2024, 7, 15))
    seizure(pn, "cocaïne", 4_000, day=date(2024, 9, 3))
    pn.add(
        "saisies",
        {
            "identifiant": pn.next_id("SAI", 2023),
            "date": date(2023, 10, 19),
            "substance": "autre",
            "quantite": "40",
            "unite": "cachets",
            "operation": None,
        },
    )
    for partner in (pn, pm):
        partner.renumber("saisies", "SAI")

    # Arrests, most of them during an operation.
    for partner in (pn, pm):
        for ident, day in operations[partner.code]:
            for _ in range(rng.choice([0, 0, 1, 1, 2, 3]) if partner is pn else rng.choice([0, 0, 0, 1])):
                pn_role = "trafiquant" if rng.random() < 0.55 else "usager"
                partner.add(
                    "interpellations",
                    {
                        "identifiant": partner.next_id("INT", day.year),
                        "date": day,
                        "role": pn_role,
                        "operation": ident,
                    },
                )

    # Convictions: 34 people convicted within the period, all after a déferrement; 9 repeat offenders with a
    # residence ban. One repeat offender was already convicted before the plan; one conviction after it.
    pq = plan.partner("parquet")
    people = [pseudonym(f"alencon-condamne-{n:03d}") for n in range(1, 37)]
    repeat = set(rng.sample(range(34), 9))
    convictions = []
    first_repeat = min(repeat)
    convictions.append((date(2022, 11, 16), people[first_repeat], False, 18))
    for n in range(34):
        day = random_day(date(2023, 1, 20), A_END) if n not in (0, 33) else (A_START if n == 0 else A_END)
        convictions.append((day, people[n], n in repeat, rng.choice([6, 8, 10, 12, 18, 24, 30, 36])))
    convictions.append((date(2024, 9, 10), people[35], False, 12))
    convictions.sort()
    for day, person, recidivist, months in convictions:
        in_plan = A_START <= day <= A_END
        pq.add(
            "condamnations",
            {
                "identifiant": pq.next_id("CND", day.year, 3),
                "date": day,
                "pseudonyme": person,
                "peine": f"{months} mois d'emprisonnement"
                + (" dont 6 avec sursis" if months >= 18 and not recidivist else " ferme"),
                "emprisonnement_mois": months,
                "recidiviste": recidivist,
                "deferement": in_plan or recidivist,
                "interdiction_sejour": recidivist,
                "obligation_soins": rng.random() < 0.4,
                "reconduite_frontiere": False,
            },
        )

    # Cameras of the city: 52 in service on 1 January 2023 (plus 2 removed before),
    # 20 night-vision cameras installed in 2023.
    city = plan.partner("mairie")
    spots = list(A_PLACES.values())
    cameras = []
    for n in range(52):
        year = 2012 + n * 11 // 52
        cameras.append((random_day(date(year, 1, 1), date(year, 12, 31)), None, year >= 2019 or rng.random() < 0.25))
    cameras.append((date(2013, 5, 14), date(2019, 9, 30), False))
    cameras.append((date(2015, 3, 2), date(2021, 11, 8), False))
    install_2023 = sorted(random_day(date(2023, 2, 1), date(2023, 12, 15)) for _ in range(20))
    cameras += [(day, None, True) for day in install_2023]
    cameras.sort()
    for number, (installed, removed, night) in enumerate(cameras, 1):
        label, lat, lon = rng.choice(spots)
        city.add(
            "cameras",
            {
                "identifiant": f"CAM-{number:03d}",
                "nom": f"Caméra {number:03d} — {label.split(',')[0]}",
                "adresse": f"{label}, 61000 Alençon",
                "latitude": coord(lat + rng.uniform(-0.0012, 0.0012)),
                "longitude": coord(lon + rng.uniform(-0.0015, 0.0015)),
                "installee_le": installed,
                "retiree_le": removed,
                "vision_nocturne": night,
                "rayon_m": rng.choice([30, 40, 50, 60, 80]),
            },
        )

    # Prevention actions of the four associations.
    action_kinds = {
        "drogaide-61": [
            ("réduction des risques", "Permanence de réduction des risques", 5, 25),
            ("maraude", "Maraude de rue", 4, 18),
        ],
        "addictions-france": [
            ("intervention scolaire", "Intervention en collège", 20, 120),
            ("sensibilisation", "Campagne de sensibilisation", 30, 250),
            ("formation", "Formation des professionnels", 8, 25),
        ],
        "croix-rouge": [("maraude", "Maraude sociale", 6, 22)],
        "entraidaddict61": [
            ("sensibilisation", "Groupe de parole et sensibilisation", 6, 30),
            ("réduction des risques", "Accueil réduction des risques", 4, 20),
        ],
    }
    for code, kinds_ in action_kinds.items():
        assoc = plan.partner(code)
        held = sorted(random_day(date(2022, 11, 1), date(2024, 8, 31)) for _ in range(rng.randint(34, 48)))
        for day in held:
            kind, title, low, high = rng.choice(kinds_)
            assoc.add(
                "actions_prevention",
                {
                    "identifiant": assoc.next_id("ACT", day.year, 3),
                    "date": day,
                    "type": kind,
                    "intitule": f"{title} — {rng.choice(list(A_PLACES.values()))[0].split(',')[0]}",
                    "personnes_touchees": rng.randint(low, high),
                },
            )

    # Referrals to care: 60 people, 14 of whom referred twice (sometimes by another association).
    persons = [pseudonym(f"alencon-usager-{n:03d}") for n in range(1, 61)]
    referrals = [(random_day(date(2022, 12, 1), date(2024, 8, 15)), rng.choice(A_CARE), p) for p in persons]
    for p in rng.sample(persons, 14):
        referrals.append((random_day(A_START, A_END), rng.choice(A_CARE), p))
    destinations = {
        "drogaide-61": ["caarud", "caarud", "csapa", "hôpital"],
        "addictions-france": ["csapa", "csapa", "hôpital"],
        "croix-rouge": ["hébergement", "hébergement", "caarud", "hôpital"],
        "entraidaddict61": ["csapa", "caarud", "hébergement"],
    }
    for day, code, person in sorted(referrals):
        assoc = plan.partner(code)
        outcome = (
            rng.choice(["admis"] * 5 + ["en attente", "refus", "perdu de vue"])
            if day < date(2024, 6, 1)
            else rng.choice(["en attente", "admis"])
        )
        assoc.add(
            "orientations_soins",
            {
                "identifiant": assoc.next_id("ORI", day.year, 3),
                "date": day,
                "destination": rng.choice(destinations[code]),
                "pseudonyme": person,
                "issue": outcome,
            },
        )

    # Eviction procedures of the social landlords, under the 2023 convention.
    for code, procedures in {
        "orne-habitat": [
            (date(2023, 7, 4), "expulsion", date(2024, 1, 16)),
            (date(2023, 9, 18), "départ volontaire", date(2023, 12, 1)),
            (date(2023, 11, 6), "expulsion", date(2024, 5, 28)),
            (date(2024, 2, 20), "en cours", None),
            (date(2024, 5, 13), "en cours", None),
        ],
        "logis-familial": [
            (date(2023, 8, 22), "expulsion", date(2024, 3, 5)),
            (date(2023, 12, 11), "rejetée", date(2024, 4, 2)),
            (date(2024, 4, 15), "en cours", None),
        ],
    }.items():
        landlord = plan.partner(code)
        for opened, outcome, closed in procedures:
            landlord.add(
                "procedures_expulsion",
                {
                    "identifiant": landlord.next_id("EXP", opened.year, 3),
                    "ouverte_le": opened,
                    "issue": outcome,
                    "close_le": closed,
                },
            )

    plan.partner("prefecture").add(
        "conventions",
        {
            "identifiant": "CONV-2023-01",
            "intitule": "Convention pour faciliter les expulsions des locataires impliqués dans le trafic",
            "signee_le": date(2023, 6, 12),
            "axe": "logement",
            "signataires": "|".join(["prefecture", "parquet", "police-nationale", *A_LANDLORDS]),
        },
    )

    # Field observations: outreach teams, municipal patrols and the city's cameras. People gather
    # around the active deal points; in June 2024 a new gathering forms at the parc des Promenades
    # (for the early warning).
    observers = [
        ("drogaide-61", "maraude", 0.10),
        ("croix-rouge", "équipe de rue", 0.06),
        ("police-municipale", "patrouille", 0.16),
        ("mairie", "caméra", 0.08),
    ]
    for day in days(date(2022, 12, 1), A_END):
        for code, source, prob in observers:
            boost = 3 if day >= date(2024, 6, 1) else 1
            if rng.random() >= prob * boost:
                continue
            observer = plan.partner(code)
            if day >= date(2024, 6, 1) and rng.random() < 0.6:
                place = "promenades"
                people_seen = rng.randint(5, 14)
            else:
                place = rng.choice(
                    [
                        "perseigne_vendee",
                        "champ_perrault",
                        "courteille_rue",
                        "gare_wilson",
                        "courteille_quakenbruck",
                        "grande_rue",
                        "halle_ble",
                        "bretagne",
                    ]
                )
                people_seen = rng.randint(0, 6)
            label, lat, lon = A_PLACES[place]
            at = datetime.combine(day, time(rng.choice([10, 14, 17, 19, 21, 22, 23]), rng.choice([0, 15, 30, 45])))
            observer.add(
                "observations_terrain",
                {
                    "identifiant": observer.next_id("OBS", day.year),
                    "date_heure": at,
                    "adresse": label,
                    "latitude": coord(lat + rng.uniform(-0.0006, 0.0006)),
                    "longitude": coord(lon + rng.uniform(-0.0008, 0.0008)),
                    "personnes": people_seen,
                    "source": source,
                },
            )

    # Hospital: addiction-care beds, monthly.
    hospital = plan.partner("chicam")
    for month in range(24):
        day = date(2022 + (month + 9) // 12, (month + 9) % 12 + 1, 1)
        hospital.add(
            "releves_capacite",
            {
                "identifiant": hospital.next_id("CAP", day.year, 3),
                "date": day,
                "type": "places hospitalières",
                "valeur": 4 if day < date(2023, 9, 1) else 6,
            },
        )
    add_year_before(plan)
    add_enforcement(plan, operations)
    add_administrative_measures(
        plan,
        "prefecture",
        [A_PLACES[key][0] for key in ("perseigne_limousin", "courteille_rue", "gare_wilson")],
        "alencon-administrative-measures",
    )
    add_penal_chain(plan, "parquet", "alencon-penal-chain", (date(2022, 7, 1), date(2024, 9, 30), 40))
    return plan


def add_year_before(plan: Plan) -> None:
    """Seizures and arrests of 2022, the year before the plan, so that the bilan's figures have something to be
    compared with: records before the plan's start only, drawn from their own seed, so every figure of the plan's
    period stays as it is."""
    rng = random.Random(61002)
    pn, pm = plan.partner("police-nationale"), plan.partner("police-municipale")
    year = (date(2022, 1, 1), date(2022, 12, 30))
    for substance, total, pieces, small, large in (
        ("cannabis", 21_000, 44, 5, 3000),
        ("héroïne", 2_300, 18, 2, 500),
        ("cocaïne", 1_400, 21, 1, 250),
        ("crack", 260, 31, 0.5, 20),
    ):
        for dg in split_mass(rng, total, pieces, small, large):
            partner = pm if dg < 200 and rng.random() < 0.3 else pn
            day = year[0] + timedelta(days=rng.randrange((year[1] - year[0]).days + 1))
            quantity, unit = mass_cells(rng, dg)
            partner.add(
                "saisies",
                {
                    "identifiant": partner.next_id("SAI", 2022),
                    "date": day,
                    "substance": substance,
                    "quantite": quantity,
                    "unite": unit,
                    "operation": None,
                },
            )
    for role, count in (("trafiquant", 41), ("usager", 33)):
        for _ in range(count):
            partner = pm if rng.random() < 0.2 else pn
            day = year[0] + timedelta(days=rng.randrange((year[1] - year[0]).days + 1))
            partner.add(
                "interpellations",
                {"identifiant": partner.next_id("INT", 2022), "date": day, "role": role, "operation": None},
            )


def add_enforcement(plan: Plan, operations: dict[str, list[tuple[str, date]]]) -> None:
    """Fixed fines for drug use, weapons seized, persons checked and new cases opened (issue 14), from a
    random stream of their own so that every other row, and every seed figure, stays as it was."""
    rng = random.Random("alencon-enforcement")
    pn = plan.partner("police-nationale")
    for row in pn.files["operations"]:
        if row["type"] == "contrôle" and row["date"] >= A_START:
            row["personnes_controlees"] = rng.randint(10, 60)
            row["affaires_nouvelles"] = rng.choice([0, 0, 0, 1, 1, 2])
    # Fixed fines: about a hundred a year before the plan, twice as many under it.
    places = ["perseigne_limousin", "perseigne_vendee", "champ_perrault", "courteille_rue", "gare_wilson"]
    statuses = ["payée"] * 6 + ["notifiée"] * 2 + ["majorée", "contestée"]
    for day in days(date(2021, 7, 1), A_END):
        if rng.random() >= (0.55 if day >= A_START else 0.28):
            continue
        label, lat, lon = A_PLACES[rng.choice(places)]
        status = rng.choice(statuses)
        pn.add(
            "amendes_forfaitaires",
            {
                "identifiant": pn.next_id("AFD", day.year),
                "date": day,
                "adresse": label,
                "latitude": coord(lat + rng.uniform(-0.0006, 0.0006)),
                "longitude": coord(lon + rng.uniform(-0.0008, 0.0008)),
                "montant": 450 if status == "majorée" else 200,
                "statut": status,
            },
        )
    # Weapons: seized during a few searches and raids of the plan.
    raids = [o for o in operations[pn.code] if A_START <= o[1] <= A_END]
    for ident, day in rng.sample(raids, 14):
        category = rng.choice(["arme blanche", "arme blanche", "arme à feu", "réplique"])
        pn.add(
            "saisies_armes",
            {
                "identifiant": pn.next_id("ARM", day.year, 3),
                "date": day,
                "categorie": category,
                "nombre": rng.randint(1, 3),
                "munitions": rng.choice([6, 12, 25, 50]) if category == "arme à feu" else None,
                "operation": ident,
            },
        )
    # The plan's street prices per gram, to estimate the resale value of the seizures.
    for code, substance, price in (
        ("CANNABIS", "cannabis", 7),
        ("HEROINE", "héroïne", 40),
        ("COCAINE", "cocaïne", 70),
        ("CRACK", "crack", 25),
    ):
        pn.add(
            "prix_de_rue",
            {
                "identifiant": f"PRIX-2022-{code}",
                "valable_du": date(2022, 1, 1),
                "substance": substance,
                "prix_gramme_eur": price,
            },
        )
    # Criminal assets: cash found in most searches, now and then a vehicle.
    for ident, day in rng.sample(raids, 10):
        for category, low, high in (("numéraire", 300, 9_000), ("véhicule", 4_000, 25_000)):
            if category == "véhicule" and rng.random() >= 0.3:
                continue
            pn.add(
                "avoirs_saisis",
                {
                    "identifiant": pn.next_id("AVO", day.year, 3),
                    "date": day,
                    "categorie": category,
                    "valeur_eur": rng.randrange(low, high, 50),
                    "operation": ident,
                },
            )
