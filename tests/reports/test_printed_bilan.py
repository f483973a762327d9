"""Issue 12 item 10, the printed bilan: its wording, the CSV's French breakdown labels, no sentence about nothing on
short periods, targets compared only over their own period, and the PDF (contents, introduction, key figures,
PDF/UA tagging)."""

import csv
import datetime as dt
import io
import re
import subprocess

from django.utils import translation

from copil.indicators.periods import Period
from copil.plans.models import Action
from copil.reports.bilan import build_bilan
from copil.reports.export import bilan_csv
from copil.reports.pdf import bilan_pdf
from tests.factories import make_partner, make_record
from tests.reports.seeds import ALENCON, flat, plain
from tests.reports.test_pdf import needs_poppler, pdf_pages

YEAR = Period(dt.date(2024, 1, 1), dt.date(2024, 12, 31))


def csv_rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))


def test_cameras_with_night_vision_are_named_so(plan):
    city = make_partner(plan, role="city")
    for _n in range(3):
        make_record("camera", city, installed_on=dt.date(2024, 3, 1), night_vision=True)
    text = plain(build_bilan(plan, YEAR, charts=False).text)
    assert "3 nouvelles caméras à vision nocturne ont été installées en 2024" in text
    assert "caméras nocturnes" not in text


def test_a_cancelled_action_is_annulee_and_a_cancelled_import_stays_annule():
    from copil.imports.models import ImportJob

    with translation.override("fr"):
        assert str(Action.Status.CANCELLED.label) == "annulée"
        assert str(Action.Status.DONE.label) == "réalisée"
        assert str(ImportJob.Status.CANCELLED.label) == "annulé"


def test_the_csv_breakdown_column_gives_french_labels_not_codes(plan, police):
    make_record("operation", police, occurred_on=dt.date(2024, 2, 1), kind="public_road")
    make_record("seizure", police, seized_on=dt.date(2024, 2, 1), substance="heroin", quantity=12, unit="g")
    rows = csv_rows(bilan_csv(build_bilan(plan, YEAR, charts=False)))
    breakdown = {(r["code de l'indicateur"], r["ventilation"]) for r in rows if r["ventilation"]}
    assert ("operations", "opération sur la voie publique") in breakdown
    assert ("seizure_mass", "héroïne") in breakdown
    assert not {key for _code, key in breakdown} & {"public_road", "heroin"}


ONE_DAY = Period(dt.date(2024, 6, 28), dt.date(2024, 6, 28))


def test_a_short_period_says_nothing_about_nothing(alencon):
    """Alençon on 28 June 2024: no arrest of a trafficker, no deal point neutralized, one bar per monthly chart."""
    bilan = build_bilan(alencon, ONE_DAY)
    text = plain(bilan.text)
    assert "0 interpellation" not in text
    assert "Aucune interpellation de trafiquant n'a été réalisée ; 1 interpellation d'usager a eu lieu." in text
    # The deal points' target is a total over the plan's run: not compared over one day (it read « atteint à 0 % »).
    assert "points de deal neutralisés : 6" not in text
    # The cameras' target is a level: compared at any date.
    assert "Objectif fixé pour les caméras de vidéoprotection en service : 80, atteint à 90 %." in text
    assert not [c.code for c in bilan.charts]
    assert "chaque mois le" not in text + " ".join(c.description for c in bilan.charts)


def test_a_flow_target_is_compared_over_the_plans_run_only(alencon):
    since_launch = plain(build_bilan(alencon, Period(alencon.started_on, dt.date(2024, 6, 30)), charts=False).text)
    assert "Objectif fixé pour les points de deal neutralisés : 6, atteint à" in since_launch
    june = plain(build_bilan(alencon, Period(dt.date(2024, 6, 1), dt.date(2024, 6, 30)), charts=False).text)
    assert "points de deal neutralisés : 6" not in june
    assert "1 point de deal a été neutralisé" in june


def test_monthly_charts_need_two_months(alencon):
    june = build_bilan(alencon, Period(dt.date(2024, 6, 1), dt.date(2024, 6, 30)))
    assert "seizures_by_substance" not in [c.code for c in june.charts]
    spring = build_bilan(alencon, Period(dt.date(2024, 5, 1), dt.date(2024, 6, 30)))
    assert {"seizures_by_substance", "arrests_by_role"} <= {c.code for c in spring.charts}


@needs_poppler
def test_the_printed_bilan_opens_with_key_figures_and_a_computed_introduction_and_is_tagged(alencon, tmp_path):
    """Alençon's 18 months: no « Sommaire » page before 2.5 pages of text, the key figures and an introduction
    naming the plan's territory, population and partners, a PDF/UA-1 file with its structure tree."""
    bilan = build_bilan(alencon, ALENCON)
    path = tmp_path / "bilan.pdf"
    path.write_bytes(bilan_pdf(bilan))
    pages = pdf_pages(path)
    assert not any("Sommaire" in page for page in pages)
    second = flat(pages[1])
    assert second.startswith("Chiffres clés")
    box = second[: second.index("Introduction")]
    shown = [(figure.value, figure.label) for figure in bilan.key_figures]
    assert shown[:3] == [
        ("2", "points de deal actifs"),
        ("4", "points de deal neutralisés"),
        ("42,8\u00a0kg", "quantités de stupéfiants saisies"),
    ]
    assert ("72", "caméras de vidéoprotection en service") in shown
    for value, label in shown:
        assert flat(value) in box and flat(label) in box
    introduction = plain(bilan.introduction)
    assert introduction.startswith(
        "Le plan a été lancé le 1er janvier 2023 ; son territoire, Alençon (Orne), compte 25 848 habitants. "
        "Il réunit 13 partenaires : Préfecture de l'Orne — cabinet du préfet, "
    )
    assert "Drog'Aide 61" in introduction and "Ce bilan du comité de pilotage porte sur l'activité" in introduction
    assert flat(introduction) in second

    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout
    assert re.search(r"^Tagged:\s+yes$", info, re.MULTILINE)
    metadata = subprocess.run(["pdfinfo", "-meta", str(path)], check=True, capture_output=True, text=True).stdout
    assert 'pdfuaid:part="1"' in metadata
    structure = subprocess.run(["pdfinfo", "-struct", str(path)], check=True, capture_output=True, text=True).stdout
    assert "H1" in structure and "Figure" in structure and "L (block)" in structure


def test_a_bilan_with_nothing_stated_has_no_key_figures(plan):
    assert build_bilan(plan, ONE_DAY, charts=False).key_figures == []
