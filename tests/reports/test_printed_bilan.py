"""Issue 12 item 10, the printed bilan: its wording, the CSV's French breakdown labels, no sentence about nothing on
short periods, targets compared only over their own period, and the PDF (contents, introduction, key figures,
PDF/UA tagging)."""

import csv
import datetime as dt
import io

from django.utils import translation

from copil.indicators.periods import Period
from copil.plans.models import Action
from copil.reports.bilan import build_bilan
from copil.reports.export import bilan_csv
from tests.factories import make_partner, make_record
from tests.reports.seeds import plain

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
