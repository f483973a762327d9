#!/usr/bin/env python3
"""Generate the demo data of the two reference plans (Alençon, Paris) in the published import format.

Pure standard library, deterministic (`random.Random` with a fixed seed per plan): running
`python3 demo/generate.py` from the project root rewrites `demo/<plan>/plan.toml` and one folder of
CSV files per partner, `demo/<plan>/<partner_code>/<file_stem>.csv`, byte for byte the same each time.

The records are designed so that the figures quoted by the seed articles come out exactly when
computed from them (see demo/README.md). At the end, the script reads back the CSV files it wrote
and prints those figures.
"""

from __future__ import annotations

import csv
import hashlib
import math
import random
import shutil
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent

# Columns of each file, in the order of copil/imports/formats.py (file stem -> column names).
COLUMNS: dict[str, tuple[str, ...]] = {
    "reseaux": ("identifiant", "nom", "identifie_le", "demantele_le"),
    "points_de_deal": (
        "identifiant",
        "nom",
        "adresse",
        "latitude",
        "longitude",
        "reseau",
        "identifie_le",
        "neutralise_le",
    ),
    "operations": ("identifiant", "date", "type", "point_de_deal", "effectifs"),
    "saisies": ("identifiant", "date", "substance", "quantite", "unite", "operation"),
    "interpellations": ("identifiant", "date", "role", "operation"),
    "condamnations": (
        "identifiant",
        "date",
        "pseudonyme",
        "peine",
        "emprisonnement_mois",
        "recidiviste",
        "deferement",
        "interdiction_sejour",
        "obligation_soins",
        "reconduite_frontiere",
    ),
    "cameras": (
        "identifiant",
        "nom",
        "adresse",
        "latitude",
        "longitude",
        "installee_le",
        "retiree_le",
        "vision_nocturne",
        "rayon_m",
    ),
    "actions_prevention": ("identifiant", "date", "type", "intitule", "personnes_touchees"),
    "orientations_soins": ("identifiant", "date", "destination", "pseudonyme", "issue"),
    "releves_capacite": ("identifiant", "date", "type", "valeur"),
    "releves_deploiement": ("identifiant", "date", "force", "effectifs"),
    "procedures_expulsion": ("identifiant", "ouverte_le", "issue", "close_le"),
    "observations_terrain": (
        "identifiant",
        "date_heure",
        "adresse",
        "latitude",
        "longitude",
        "personnes",
        "source",
    ),
    "conventions": ("identifiant", "intitule", "signee_le", "axe", "signataires"),
}

# The one file written with French dates (JJ/MM/AAAA), to exercise that parsing path.
FRENCH_DATES = ("alencon", "police-municipale", "saisies")

SUBSTANCE_CODES = {
    "cannabis": "cannabis",
    "héroïne": "heroin",
    "cocaïne": "cocaine",
    "crack": "crack",
    "autre": "other",
}


# --------------------------------------------------------------------------------------------- helpers


def days(start: date, end: date):
    """Every day from start to end inclusive."""
    for n in range((end - start).days + 1):
        yield start + timedelta(days=n)


def pseudonym(seed: str) -> str:
    """A 64-hex-character pseudonym, shaped like the HMAC the application computes (never a real name)."""
    return hashlib.sha256(f"copil-demo:{seed}".encode()).hexdigest()


def decimal_fr(value: Decimal) -> str:
    """A decimal with a decimal comma and no useless trailing zeros: 1,25 / 12 / 0,5."""
    text = format(value.normalize(), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")


def coord(value: float) -> str:
    return f"{value:.6f}"


def yes_no(flag: bool) -> str:
    return "oui" if flag else "non"


class Partner:
    """The rows one partner will write, by file stem, with identifiers numbered per prefix and year."""

    def __init__(self, code: str):
        self.code = code
        self.files: dict[str, list[dict[str, object]]] = defaultdict(list)
        self.counters: dict[tuple[str, int], int] = defaultdict(int)

    def next_id(self, prefix: str, year: int, width: int = 4) -> str:
        self.counters[prefix, year] += 1
        return f"{prefix}-{year}-{self.counters[prefix, year]:0{width}d}"

    def renumber(self, stem: str, prefix: str, date_column: str = "date") -> None:
        """Sort a file by date and number its identifiers in that order."""
        rows = self.files[stem]
        rows.sort(key=lambda r: (r[date_column], r["identifiant"]))
        for key in [k for k in self.counters if k[0] == prefix]:
            del self.counters[key]
        for row in rows:
            row["identifiant"] = self.next_id(prefix, row[date_column].year)

    def add(self, stem: str, row: dict[str, object]) -> dict[str, object]:
        assert stem in COLUMNS and set(row) <= set(COLUMNS[stem]), (stem, row)
        self.files[stem].append(row)
        return row


class Plan:
    def __init__(self, slug: str):
        self.slug = slug
        self.partners: dict[str, Partner] = {}

    def partner(self, code: str) -> Partner:
        return self.partners.setdefault(code, Partner(code))


def split_mass(rng: random.Random, total_g: int, pieces: int, small: float, large: float) -> list[int]:
    """Split a mass in grams into `pieces` positive parts, in decigrams, whose sum is exactly total_g.

    Parts are drawn log-uniformly between `small` and `large` grams, then scaled to the total; parts of
    a kilogram or more are rounded to whole grams, smaller ones to half grams; the last part absorbs the
    rounding and is kept positive.
    """

    total_dg = total_g * 10
    raw = [math.exp(rng.uniform(math.log(small), math.log(large))) for _ in range(pieces)]
    scale = total_dg / sum(raw)
    parts: list[int] = []
    for value in raw[:-1]:
        dg = value * scale
        step = 10 if dg >= 10_000 else 5
        parts.append(max(step, int(round(dg / step)) * step))
    last = total_dg - sum(parts)
    while last <= 0:  # take back from the largest part until the last one is positive
        biggest = max(range(len(parts)), key=parts.__getitem__)
        parts[biggest] -= 100
        last += 100
    parts.append(last)
    rng.shuffle(parts)
    assert sum(parts) == total_dg and all(p > 0 for p in parts)
    return parts


def mass_cells(rng: random.Random, dg: int) -> tuple[str, str]:
    """Quantity and unit for a mass in decigrams: kilograms when it reads well, grams otherwise."""
    grams = Decimal(dg) / 10
    if dg % 10 == 0 and (dg >= 10_000 or (dg >= 1_000 and rng.random() < 0.35)):
        return decimal_fr(grams / 1000), "kg"
    return decimal_fr(grams), "g"


# --------------------------------------------------------------------------------------------- TOML


def toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    text = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{text}"'


def toml_table(header: str, values: dict[str, object]) -> str:
    lines = [header]
    for key, value in values.items():
        if isinstance(value, (list, tuple)) and value and isinstance(value[0], str) and len(toml_value(value)) > 100:
            lines.append(f"{key} = [")
            lines.extend(f"    {toml_value(v)}," for v in value)
            lines.append("]")
        elif value is not None:
            lines.append(f"{key} = {toml_value(value)}")
    return "\n".join(lines)


def write_toml(path: Path, comment: str, spec: dict[str, object]) -> None:
    blocks = [comment]
    blocks += [toml_table("[[territories]]", t) for t in spec["territories"]]
    blocks.append(toml_table("[plan]", spec["plan"]))
    for section in ("axes", "partners", "actions", "meetings", "targets"):
        blocks += [toml_table(f"[[{section}]]", item) for item in spec.get(section, [])]
    path.write_text("\n\n".join(blocks) + "\n", encoding="utf-8")


# --------------------------------------------------------------------------------------------- CSV


def cell(value: object, french_dates: bool) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return yes_no(value)
    if isinstance(value, datetime):
        return value.isoformat(timespec="minutes")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y") if french_dates else value.isoformat()
    return str(value)


def write_plan_files(plan: Plan) -> None:
    base = ROOT / plan.slug
    for child in sorted(base.iterdir()) if base.exists() else []:
        if child.is_dir():
            shutil.rmtree(child)
    for code, partner in sorted(plan.partners.items()):
        for stem, rows in sorted(partner.files.items()):
            # Keep the required identifier and every column at least one row fills.
            columns = [c for c in COLUMNS[stem] if c == "identifiant" or any(r.get(c) not in (None, "") for r in rows)]
            ids = [r["identifiant"] for r in rows]
            assert len(ids) == len(set(ids)), f"duplicate identifiant in {code}/{stem}"
            french = (plan.slug, code, stem) == FRENCH_DATES
            folder = base / code
            folder.mkdir(parents=True, exist_ok=True)
            with open(folder / f"{stem}.csv", "w", encoding="utf-8", newline="") as handle:
                writer = csv.writer(handle, delimiter=";", lineterminator="\n")
                writer.writerow(columns)
                for row in rows:
                    writer.writerow([cell(row.get(c), french) for c in columns])


# ============================================================================================= ALENÇON

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
    return plan


# ============================================================================================= PARIS

P_PLAN_START = date(2022, 10, 5)  # evacuation of the square Forceval
P_START, P_END = date(2023, 1, 1), date(2023, 10, 5)  # the bilan period ("depuis début 2023")
P_TRAFFICKER_ARRESTS = 357

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
        ],
        "plan": {
            "slug": "paris",
            "name": "Plan crack du nord-est parisien",
            "territory": "75056",
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
    return plan


# ============================================================================================= read back


def parse_date(text: str) -> date:
    if "/" in text:
        day, month, year = text.split("/")
        return date(int(year), int(month), int(day))
    return date.fromisoformat(text)


def read_rows(slug: str, stem: str) -> list[tuple[str, dict[str, str]]]:
    rows = []
    for path in sorted((ROOT / slug).glob(f"*/{stem}.csv")):
        with open(path, encoding="utf-8", newline="") as handle:
            rows += [(path.parent.name, row) for row in csv.DictReader(handle, delimiter=";")]
    return rows


def within(text: str, start: date, end: date) -> bool:
    return bool(text) and start <= parse_date(text) <= end


def report_alencon() -> None:
    s, e = A_START, A_END
    print(f"Alençon — période du {s} au {e}")
    grams: dict[str, Decimal] = defaultdict(Decimal)
    for _, row in read_rows("alencon", "saisies"):
        if within(row["date"], s, e) and row["unite"] in ("g", "kg"):
            factor = 1000 if row["unite"] == "kg" else 1
            grams[row["substance"]] += Decimal(row["quantite"].replace(",", ".")) * factor
    for substance in A_TOTALS_G:
        print(f"  saisies {substance}: {decimal_fr(grams[substance])} g")
        assert grams[substance] == A_TOTALS_G[substance], substance
    networks = [r for _, r in read_rows("alencon", "reseaux") if within(r.get("demantele_le", ""), s, e)]
    points = [r for _, r in read_rows("alencon", "points_de_deal") if within(r.get("neutralise_le", ""), s, e)]
    active = [r for _, r in read_rows("alencon", "points_de_deal") if not r.get("neutralise_le")]
    ops = [r for _, r in read_rows("alencon", "operations") if within(r["date"], s, e)]
    convicted = [r for _, r in read_rows("alencon", "condamnations") if within(r["date"], s, e)]
    persons = {r["pseudonyme"] for r in convicted}
    print(f"  réseaux démantelés: {len(networks)}; points de deal neutralisés: {len(points)} (actifs: {len(active)})")
    print(f"  opérations: {len(ops)}")
    print(
        f"  personnes condamnées: {len(persons)} ({len(convicted)} condamnations), "
        f"déférées: {sum(r['deferement'] == 'oui' for r in convicted)}, "
        f"récidivistes avec interdiction de séjour: "
        f"{sum(r['recidiviste'] == 'oui' and r['interdiction_sejour'] == 'oui' for r in convicted)}"
    )
    assert (len(networks), len(points), len(active), len(persons), len(convicted)) == (2, 4, 2, 34, 34)
    assert all(r["deferement"] == "oui" for r in convicted)
    cameras = [r for _, r in read_rows("alencon", "cameras")]

    def in_service(day: date) -> int:
        return sum(
            parse_date(r["installee_le"]) <= day and (not r["retiree_le"] or parse_date(r["retiree_le"]) > day)
            for r in cameras
        )

    new_2023 = [r for r in cameras if within(r["installee_le"], date(2023, 1, 1), date(2023, 12, 31))]
    print(
        f"  caméras en service: {in_service(date(2022, 12, 31))} au 31/12/2022, "
        f"{in_service(date(2023, 12, 31))} au 31/12/2023, {in_service(e)} au {e}; "
        f"installées en 2023: {len(new_2023)} "
        f"(vision nocturne: {sum(r['vision_nocturne'] == 'oui' for r in new_2023)})"
    )
    assert (in_service(date(2022, 12, 31)), in_service(date(2023, 12, 31)), in_service(e)) == (52, 72, 72)
    assert len(new_2023) == 20 and all(r["vision_nocturne"] == "oui" for r in new_2023)
    actions = [(p, r) for p, r in read_rows("alencon", "actions_prevention") if within(r["date"], s, e)]
    referrals = [r for _, r in read_rows("alencon", "orientations_soins") if within(r["date"], s, e)]
    print(
        f"  actions de prévention: {len(actions)} par {len({p for p, _ in actions})} associations, "
        f"{sum(int(r['personnes_touchees']) for _, r in actions)} personnes touchées"
    )
    print(f"  orientations vers le soin: {len(referrals)} pour {len({r['pseudonyme'] for r in referrals})} personnes")
    evictions = read_rows("alencon", "procedures_expulsion")
    print(
        f"  procédures d'expulsion: {len(evictions)}; observations de terrain: "
        f"{len(read_rows('alencon', 'observations_terrain'))}"
    )


def report_paris() -> None:
    s, e = P_START, P_END
    print(f"Paris — période du {s} au {e}")
    traffickers = [
        r
        for _, r in read_rows("paris", "interpellations")
        if within(r["date"], s, e) and r["role"] in ("trafiquant", "vendeur")
    ]
    print(f"  interpellations de trafiquants: {len(traffickers)}")
    assert len(traffickers) == P_TRAFFICKER_ARRESTS
    daily: dict[date, int] = defaultdict(int)
    forces: dict[date, set[str]] = defaultdict(set)
    for _, row in read_rows("paris", "releves_deploiement"):
        daily[parse_date(row["date"])] += int(row["effectifs"])
        forces[parse_date(row["date"])].add(row["force"])
    assert all(len(f) == 2 for f in forces.values()) and len(daily) == (e - P_PLAN_START).days + 1
    period = [v for d, v in daily.items() if s <= d <= e]
    print(
        f"  effectifs déployés par jour: min {min(period)}, max {max(period)}, "
        f"moyenne {sum(period) / len(period):.0f} "
        f"(max avant 2023: {max(v for d, v in daily.items() if d < s)})"
    )
    assert (min(period), max(period)) == (100, 800)

    def latest(kind: str, on: date, strictly_before: bool = False) -> int:
        readings = [
            (parse_date(r["date"]), int(r["valeur"]))
            for _, r in read_rows("paris", "releves_capacite")
            if r["type"] == kind
        ]
        eligible = [x for x in readings if (x[0] < on if strictly_before else x[0] <= on)]
        return max(eligible)[1]

    sheltered = (latest("personnes hébergées", P_PLAN_START, True), latest("personnes hébergées", e))
    beds = (latest("places hospitalières", P_PLAN_START, True), latest("places hospitalières", e))
    print(f"  personnes hébergées chaque nuit: {sheltered[1]} contre {sheltered[0]} avant le plan")
    print(f"  places hospitalières: {beds[1]} contre {beds[0]} avant le plan")
    assert sheltered == (200, 610) and beds == (35, 50)
    convictions = [r for _, r in read_rows("paris", "condamnations") if within(r["date"], s, e)]
    print(
        f"  condamnations: {len(convictions)}, dont reconduites à la frontière: "
        f"{sum(r['reconduite_frontiere'] == 'oui' for r in convictions)}; observations de terrain: "
        f"{len(read_rows('paris', 'observations_terrain'))}"
    )


def main() -> None:
    for slug, spec, build, comment in (
        (
            "alencon",
            alencon_spec(),
            build_alencon,
            "# Plan anti-crack d'Alençon — generated by demo/generate.py; do not edit by hand.",
        ),
        (
            "paris",
            paris_spec(),
            build_paris,
            "# Plan crack du nord-est parisien — generated by demo/generate.py; do not edit by hand.",
        ),
    ):
        plan = build()
        codes = {p["code"] for p in spec["partners"]}
        assert set(plan.partners) <= codes, set(plan.partners) - codes
        (ROOT / slug).mkdir(exist_ok=True)
        write_plan_files(plan)
        write_toml(ROOT / slug / "plan.toml", comment, spec)
    report_alencon()
    report_paris()
    size = sum(p.stat().st_size for p in ROOT.rglob("*") if p.is_file())
    print(f"Taille des données de démonstration: {size / 1e6:.2f} Mo")


if __name__ == "__main__":
    main()
