"""What every demo plan shares: the columns of each file (those of the import formats), the rows a partner
writes, and small helpers (pseudonyms, French decimals, masses split into seizures)."""

from __future__ import annotations

import hashlib
import math
import random
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent

# Columns of each file, in the order of copil/formats/catalogue.py (file stem -> column names).
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
        "zone",
        "installation",
    ),
    "operations": (
        "identifiant",
        "date",
        "type",
        "point_de_deal",
        "effectifs",
        "personnes_controlees",
        "affaires_nouvelles",
    ),
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
    "activite_rdr": (
        "identifiant",
        "site",
        "type_site",
        "mois",
        "file_active",
        "passages",
        "consommations_supervisees",
        "kits_base",
        "seringues",
        "overdoses",
        "personnes_hebergees",
    ),
    "amendes_forfaitaires": ("identifiant", "date", "adresse", "latitude", "longitude", "montant", "statut"),
    "saisies_armes": ("identifiant", "date", "categorie", "nombre", "munitions", "operation"),
    "avoirs_saisis": ("identifiant", "date", "categorie", "valeur_eur", "operation"),
    "prix_de_rue": ("identifiant", "valable_du", "substance", "prix_gramme_eur"),
    "comptages_rue": ("identifiant", "date_heure", "zone", "personnes"),
    "mesures_administratives": (
        "identifiant",
        "mesure",
        "pseudonyme",
        "adresse",
        "latitude",
        "longitude",
        "demandee_le",
        "arretee_le",
        "notifiee_le",
        "violee_le",
        "poursuivie_le",
        "duree_jours",
    ),
    "chaine_penale": ("identifiant", "date", "pseudonyme", "etape", "ferme_mois", "sursis_mois"),
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
