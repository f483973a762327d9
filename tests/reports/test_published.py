"""The published bilan (public, press): small counts of persons are never printed, in prose, notes or CSV."""

import csv
import datetime as dt
import io
import itertools
import re
from html import unescape

import pytest

from copil.indicators.periods import Period
from copil.records.models import CareReferral, Conviction
from copil.reports.bilan import build_bilan
from copil.reports.export import bilan_csv
from copil.reports.rendering import render_bilan
from tests.factories import make_partner
from tests.reports.seeds import plain

YEAR = Period(dt.date(2023, 1, 1), dt.date(2023, 12, 31))
_ids = itertools.count(1)


def csv_rows(bilan) -> dict[str, list[list[str]]]:
    rows = list(csv.reader(io.StringIO(bilan_csv(bilan).decode("utf-8-sig")), delimiter=";"))[1:]
    out: dict[str, list[list[str]]] = {}
    for row in rows:
        out.setdefault(row[0], []).append(row)
    return out


@pytest.fixture
def three_referrals(plan):
    care = make_partner(plan, role="care", name="CSAPA de test")
    for n, destination in enumerate(["csapa", "csapa", "hospital"]):
        CareReferral.objects.create(
            plan=plan,
            partner=care,
            external_id=f"o{next(_ids)}",
            referred_on=dt.date(2023, 3, 1 + n),
            destination=destination,
            pseudonym=f"personne-{n}",
        )
    return plan


def test_three_referrals_print_as_under_five_in_the_published_bilan(three_referrals):
    internal = build_bilan(three_referrals, YEAR, charts=False)
    referred = "personnes identifiées comme consommatrices ont été orientées vers des structures de soins."
    assert f"3 {referred}" in plain(internal.text)
    assert any(note.text.endswith("CSAPA de test (3 enregistrements).") for note in internal.footnotes)

    published = build_bilan(three_referrals, YEAR, published=True, charts=False)
    text = plain(published.text)
    assert f"< 5 {referred}" in text
    assert "3 personnes" not in text
    assert "version publiée" in text
    (note,) = [n for n in published.footnotes if n.label == "personnes orientées vers le soin"]
    assert plain(note.text).endswith("CSAPA de test (< 5 enregistrements).")
    page = plain(unescape(render_bilan(published, "html")))
    assert "< 5 personnes identifiées" in page and "3 enregistrements" not in page

    rows = csv_rows(published)
    persons = rows["persons_referred_to_care"]
    assert {r[7] for r in persons} == {"< 5"}  # the count, and its rate per 10,000 inhabitants
    assert persons[0][11:] == ["< 5", "CSAPA de test (< 5)"]
    referrals = {r[6]: r[7] for r in rows["care_referrals"]}
    assert referrals == {"": "< 5", "CSAPA": "< 5", "hôpital": "< 5"}
    assert csv_rows(internal)["persons_referred_to_care"][0][7] == "3"


def test_a_part_whose_remainder_is_small_is_withheld(plan):
    justice = make_partner(plan, role="justice", name="Parquet")
    for n in range(7):
        Conviction.objects.create(
            plan=plan,
            partner=justice,
            external_id=f"j{next(_ids)}",
            convicted_on=dt.date(2023, 5, 1 + n),
            pseudonym=f"p{n}",
            referral_to_court=n < 5,
        )
    internal = plain(build_bilan(plan, YEAR, charts=False).text)
    assert "7 personnes ont été condamnées ; 5 d'entre elles ont fait l'objet d'un déferrement" in internal

    published = build_bilan(plan, YEAR, published=True, charts=False)
    text = plain(published.text)
    # 7 − 5 = 2 persons not referred would be revealed by subtraction.
    assert "7 personnes ont été condamnées ; la plupart d'entre elles ont fait l'objet d'un déferrement" in text
    assert "5 d'entre elles" not in text
    rows = csv_rows(published)
    assert rows["convicted_persons"][0][7] == "7"
    assert rows["convicted_persons_referred_to_court"][0][7] == "s"  # secret statistique
    assert {r[7] for r in rows["convicted_persons_referred_to_court"]} == {"s"}


def test_a_withheld_part_takes_its_record_counts_with_it(plan):
    """The review's leak: « la plupart … déferrement » beside « Parquet (34 enregistrements) » while the total is
    35 told that exactly one person was convicted without déferrement. The part's record counts go with it."""
    justice = make_partner(plan, role="justice", name="Parquet")
    for n in range(35):
        Conviction.objects.create(
            plan=plan,
            partner=justice,
            external_id=f"j{next(_ids)}",
            convicted_on=dt.date(2023, 1, 1) + dt.timedelta(days=n),
            pseudonym=f"p{n}",
            referral_to_court=n < 34,
        )
    published = build_bilan(plan, YEAR, published=True, charts=False)
    assert "la plupart d'entre elles ont fait l'objet d'un déferrement" in plain(published.text)
    notes = {note.label: plain(note.text) for note in published.footnotes}
    assert notes["personnes condamnées après déferrement"].endswith("Parquet (nombre d'enregistrements non publié).")
    assert notes["personnes condamnées"].endswith("Parquet (35 enregistrements).")
    page = plain(unescape(render_bilan(published, "html")))
    # The number standing alone: not inside a territory's factory name (« Commune 934 ») or the generation time.
    assert not re.search(r"(?<![\d:])34(?!\d)", page)
    rows = csv_rows(published)
    assert {(r[11], r[12]) for r in rows["convicted_persons_referred_to_court"]} == {("s", "Parquet (s)")}
    assert not any("34" in cell for row in rows.values() for r in row for cell in r)
