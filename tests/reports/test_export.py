"""The CSV of every figure: opens in French Excel, parses with the csv module, holds each computed figure."""

import csv
import datetime as dt
import io
import itertools
from decimal import Decimal

from copil.indicators.periods import Period
from copil.records.models import DeploymentReading
from copil.reports.bilan import INDICATORS, build_bilan
from copil.reports.export import bilan_csv
from tests.reports.seeds import ALENCON

HEADER = [
    "code de l'indicateur",
    "indicateur",
    "axe",
    "début",
    "fin",
    "mesure",
    "ventilation",
    "valeur",
    "unité",
    "référence",
    "nature de la référence",
    "enregistrements",
    "sources",
]
_ids = itertools.count(1)


def parse(data: bytes) -> list[dict[str, str]]:
    assert data.startswith(b"\xef\xbb\xbf"), "UTF-8 byte order mark, for Excel"
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert rows[0] == HEADER
    assert all(len(row) == len(HEADER) for row in rows)
    return [dict(zip(HEADER, row, strict=True)) for row in rows[1:]]


def number(text: str) -> Decimal:
    return Decimal(text.replace(",", "."))


def test_alencon_csv_holds_every_figure_of_the_bilan(alencon):
    bilan = build_bilan(alencon, ALENCON, charts=False)
    rows = parse(bilan_csv(bilan))
    assert {row["code de l'indicateur"] for row in rows} == set(INDICATORS) == set(bilan.results)
    by_code = {}
    for row in rows:
        by_code.setdefault(row["code de l'indicateur"], []).append(row)
        assert (row["début"], row["fin"]) == ("2023-01-01", "2024-06-30")

    for code, result in bilan.results.items():
        headline = by_code[code][0]
        assert headline["indicateur"] == result.definition.label
        assert headline["enregistrements"] == str(result.record_count)
        for partner, count in result.sources:
            assert f"{partner} ({count})" in headline["sources"]
        if result.value is not None:
            assert (headline["mesure"], headline["ventilation"]) == ("valeur", "")
            assert number(headline["valeur"]) == result.value
        breakdown = {r["ventilation"]: number(r["valeur"]) for r in by_code[code] if r["ventilation"]}
        labels = {result.definition.breakdown_label(key): value for key, value in result.breakdown.items()}
        assert breakdown == labels
        if result.per_10000 is not None:
            (rate,) = [r for r in by_code[code] if r["mesure"] == "pour 10 000 habitants"]
            assert number(rate["valeur"]) == result.per_10000

    masses = {r["ventilation"]: r["valeur"] for r in by_code["seizure_mass"] if r["ventilation"]}
    assert masses == {"cannabis": "35000", "héroïne": "5100", "cocaïne": "2150", "crack": "548"}
    assert {r["unité"] for r in by_code["seizure_mass"] if r["mesure"] == "valeur"} == {"g"}
    cameras = {r["mesure"]: r for r in by_code["cameras_in_service"]}
    assert (cameras["valeur"]["valeur"], cameras["valeur au début"]["valeur"], cameras["variation"]["valeur"]) == (
        "72",
        "52",
        "20",
    )
    assert cameras["valeur"]["référence"] == "52" and cameras["valeur"]["axe"] == "Vidéoprotection"
    shelter = by_code["hospital_places"][0]
    assert (shelter["valeur"], shelter["référence"], shelter["nature de la référence"]) == ("6", "4", "avant le plan")


def test_daily_series_give_minimum_maximum_mean_and_days(plan, police):
    for day, staff in [(dt.date(2023, 1, 2), 100), (dt.date(2023, 1, 3), 251), (dt.date(2023, 1, 4), 800)]:
        DeploymentReading.objects.create(
            plan=plan, partner=police, external_id=f"d{next(_ids)}", deployed_on=day, force="gendarmerie", staff=staff
        )
    bilan = build_bilan(plan, Period(dt.date(2023, 1, 1), dt.date(2023, 1, 31)), charts=False)
    rows = [r for r in parse(bilan_csv(bilan)) if r["code de l'indicateur"] == "staff_deployed"]
    assert [(r["mesure"], r["valeur"], r["unité"]) for r in rows] == [
        ("minimum", "100", "agents"),
        ("maximum", "800", "agents"),
        ("moyenne", "383,67", "agents"),
        ("jours relevés", "3", "jours"),
    ]
