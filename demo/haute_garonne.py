"""The Haute-Garonne plan (2025, the first year of the loi narcotrafic's administrative measures): its `plan.toml`
spec and its partners' records, designed so that the figures of the prefecture's 2025 bilan come out exactly
(see demo/haute-garonne/SOURCE.md and demo/README.md)."""

from __future__ import annotations

import random
from datetime import date

from demo.common import Plan, coord, days

H_PLAN_START = date(2025, 1, 1)
H_START, H_END = date(2025, 1, 1), date(2025, 12, 31)  # the bilan period: the calendar year 2025
H_PREVIOUS = (date(2024, 1, 1), date(2024, 12, 31))  # the year the bilan compares with
H_OPERATIONS = 1_600  # « 1 600 opérations de démantèlement de points de deals ont été menées en 2025 »
H_FINES = {2025: 4_327, 2024: 3_753}  # « 4 327 amendes ont été délivrées, contre 3 753 en 2024 »
H_POLICE_SHARE = 0.8  # the share of the police nationale in the operations and fines (the rest: gendarmerie)

# Deal points: the Toulouse districts (police zone) and a few market towns of the département (gendarmerie zone).
H_PLACES = {
    "reynerie": ("Place Abbal, La Reynerie, Toulouse", 43.57905, 1.40150, "police", "très installé"),
    "bellefontaine": ("Allée de Bellefontaine, Toulouse", 43.57450, 1.39950, "police", "très installé"),
    "mirail_u": ("Avenue de Reynerie, Le Mirail, Toulouse", 43.57700, 1.40500, "police", "installé"),
    "bagatelle": ("Rue de Kiev, Bagatelle, Toulouse", 43.58700, 1.41050, "police", "très installé"),
    "faourette": ("Place de la Faourette, Toulouse", 43.58600, 1.41900, "police", "installé"),
    "papus": ("Rue Georges-Vivent, Papus, Toulouse", 43.57800, 1.41600, "police", "installé"),
    "empalot": ("Avenue Jean-Moulin, Empalot, Toulouse", 43.58300, 1.45100, "police", "très installé"),
    "izards": ("Place Micoulaud, Les Izards, Toulouse", 43.63950, 1.44000, "police", "très installé"),
    "trois_cocus": ("Chemin des Izards, Trois-Cocus, Toulouse", 43.64450, 1.43500, "police", "installé"),
    "negreneys": ("Rue de Négreneys, Toulouse", 43.62300, 1.43000, "police", "ponctuel"),
    "bourbaki": ("Avenue de Fronton, Bourbaki, Toulouse", 43.63000, 1.44000, "police", "ponctuel"),
    "arenes": ("Boulevard de Larramet, Les Arènes, Toulouse", 43.59200, 1.41800, "police", "ponctuel"),
    "val_aran": ("Allée du Val-d'Aran, Colomiers", 43.61100, 1.33600, "police", "installé"),
    "villemur": ("Place de la Libération, Villemur-sur-Tarn", 43.86700, 1.50300, "gendarmerie", "ponctuel"),
    "grenade": ("Rue Gambetta, Grenade", 43.77200, 1.29400, "gendarmerie", "ponctuel"),
    "cazeres": ("Quai de la Garonne, Cazères", 43.20700, 1.08500, "gendarmerie", "installé"),
}
POLICE_PLACES = [key for key, place in H_PLACES.items() if place[3] == "police"]
GENDARMERIE_PLACES = [key for key, place in H_PLACES.items() if place[3] == "gendarmerie"]


def haute_garonne_spec() -> dict[str, object]:
    return {
        "territories": [
            {"insee_code": "76", "name": "Occitanie", "level": "region", "population": 5973969},
            {
                "insee_code": "31",
                "name": "Haute-Garonne",
                "level": "departement",
                "population": 1415757,
                "parent": "76",
            },
        ],
        "plan": {
            "slug": "haute-garonne",
            "name": "Plan départemental de lutte contre les trafics de stupéfiants de la Haute-Garonne",
            "territory": "31",
            "started_on": H_PLAN_START,
            "description": (
                "Harcèlement des points de deal de l'agglomération toulousaine et des bourgs du département, "
                "verbalisation des consommateurs par l'amende forfaitaire délictuelle, et premières mesures "
                "administratives de la loi « narcotrafic » : interdictions de paraître près des points de deal "
                "et fermetures administratives des commerces qui servent de point de repli aux trafiquants."
            ),
        },
        "axes": [
            {"code": "coordination", "title": "Pilotage départemental"},
            {"code": "repression", "title": "Lutte contre les trafics, points de deal et mesures administratives"},
        ],
        "partners": [
            {
                "code": "prefecture-31",
                "name": "Préfecture de la Haute-Garonne — cabinet du préfet",
                "role": "coordinator",
                "axes": ["coordination", "repression"],
            },
            {
                "code": "police-nationale-31",
                "name": "Police nationale — direction interdépartementale de la Haute-Garonne",
                "role": "police",
                "axes": ["repression"],
            },
            {
                "code": "gendarmerie-31",
                "name": "Groupement de gendarmerie départementale de la Haute-Garonne",
                "role": "police",
                "axes": ["repression"],
            },
            {
                "code": "parquet-toulouse",
                "name": "Parquet de Toulouse",
                "role": "justice",
                "axes": ["repression"],
            },
            {
                "code": "ville-toulouse",
                "name": "Ville de Toulouse",
                "role": "city",
                "axes": ["coordination"],
            },
        ],
    }


def _force(rng: random.Random, plan: Plan):
    """The police nationale (four times in five) or the gendarmerie, with the places of its zone."""
    if rng.random() < H_POLICE_SHARE:
        return plan.partner("police-nationale-31"), POLICE_PLACES
    return plan.partner("gendarmerie-31"), GENDARMERIE_PLACES


def build_haute_garonne() -> Plan:
    rng = random.Random("haute-garonne")
    plan = Plan("haute-garonne")
    police = plan.partner("police-nationale-31")
    gendarmerie = plan.partner("gendarmerie-31")

    # Deal points, each recorded by the force of its zone; most known since before the plan.
    point_ids: dict[str, str] = {}
    for key, (label, lat, lon, zone, installation) in H_PLACES.items():
        partner = police if zone == "police" else gendarmerie
        identified = date(rng.choice([2021, 2022, 2023, 2024]), rng.randint(1, 12), rng.randint(1, 28))
        ident = partner.next_id("PDD", identified.year, 3)
        point_ids[key] = f"{partner.code}:{ident}"
        partner.add(
            "points_de_deal",
            {
                "identifiant": ident,
                "nom": label.split(",")[0],
                "adresse": label,
                "latitude": coord(lat),
                "longitude": coord(lon),
                "identifie_le": identified,
                "neutralise_le": None,
                "zone": zone,
                "installation": installation,
            },
        )

    # Operations against the deal points: exactly 1 600 in 2025, the first and last days included.
    year = list(days(H_START, H_END))
    operation_days = sorted([H_START, H_END] + [rng.choice(year) for _ in range(H_OPERATIONS - 2)])
    for day in operation_days:
        partner, places = _force(rng, plan)
        partner.add(
            "operations",
            {
                "identifiant": partner.next_id("OPE", day.year),
                "date": day,
                "type": "voie publique",
                "point_de_deal": point_ids[rng.choice(places)].split(":", 1)[1],
                "effectifs": rng.randint(6, 40),
            },
        )

    # Fixed fines for drug use: exactly 4 327 in 2025 against 3 753 in 2024, each year's edges included.
    statuses = ["payée"] * 6 + ["notifiée"] * 2 + ["majorée", "contestée"]
    for year_number, count in sorted(H_FINES.items()):
        first, last = date(year_number, 1, 1), date(year_number, 12, 31)
        span = list(days(first, last))
        for day in sorted([first, last] + [rng.choice(span) for _ in range(count - 2)]):
            partner, places = _force(rng, plan)
            label, lat, lon, _zone, _installation = H_PLACES[rng.choice(places)]
            status = rng.choice(statuses)
            partner.add(
                "amendes_forfaitaires",
                {
                    "identifiant": partner.next_id("AFD", day.year, 5),
                    "date": day,
                    "adresse": label,
                    "latitude": coord(lat + rng.uniform(-0.0015, 0.0015)),
                    "longitude": coord(lon + rng.uniform(-0.002, 0.002)),
                    "montant": 450 if status == "majorée" else 200,
                    "statut": status,
                },
            )
    return plan
