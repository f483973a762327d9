"""« Le COPIL en 5 minutes »: the figures that really moved, the open alerts, the overdue actions, the next
meeting; at the top of the dashboard, on its own page and as a one-page PDF."""

import datetime as dt
import re
import subprocess

import pytest
from django.utils import timezone

from copil.alerts.models import Alert
from copil.indicators.periods import Period
from copil.plans.models import Action, Meeting
from copil.web.five_minutes import figures_that_moved, five_minutes, movement
from tests.factories import make_alert, make_record

from .test_dashboard import PERIOD

YEAR = Period(dt.date(2023, 1, 1), dt.date(2023, 12, 31))


@pytest.fixture
def moved(site):
    """2022 against 2023 (10 of each per year in the site): trafficker arrests rise clearly (2 → 10), seizures
    do not move (10 → 10); an open alert, an overdue and a future action, a meeting to come."""
    police, gendarmerie = site.partners["police"], site.partners["police-2"]
    for partner in (police, gendarmerie):
        make_record("arrest", partner, arrested_on=dt.date(2022, 5, 1), role="trafficker")
        # deal points recorded (and closed) in 2022: the stock of active ones compares from 0 on 31/12/2022
        make_record("deal_point", partner, identified_on=dt.date(2022, 6, 1), neutralized_on=dt.date(2022, 7, 1))
        for n in range(5):
            make_record("seizure", partner, seized_on=dt.date(2022, 3, 1) + dt.timedelta(days=n))
    today = timezone.localdate()
    make_alert(site.plan, place="Square des Lilas")
    Action.objects.create(plan=site.plan, owner=police, title="Fermer le hall B", due_on=today - dt.timedelta(days=5))
    Action.objects.create(plan=site.plan, owner=police, title="Plus tard", due_on=today + dt.timedelta(days=30))
    Meeting.objects.create(plan=site.plan, held_on=today + dt.timedelta(days=12), title="COPIL de printemps")
    return site


def test_only_real_moves_are_listed_with_alerts_overdue_actions_and_the_next_meeting(moved):
    every_move = figures_that_moved(moved.users["coordinator"], moved.plan, YEAR, limit=100)
    codes = [card.code for card in every_move]
    assert "trafficker_arrests" in codes and "seizures" not in codes  # 2 → 10 is real, 10 → 10 is not
    assert all(card.trend in {"up", "down"} for card in every_move)
    assert "deal_points_active" in codes and "deal_points_by_zone" not in codes  # the same figure, listed once
    assert "cameras_in_service" not in codes  # the city recorded no camera before 2023: not comparable
    arrests = next(card for card in every_move if card.code == "trafficker_arrests")
    assert arrests.news == "good" and "+8" in arrests.evolution
    summary = five_minutes(moved.users["coordinator"], moved.plan, YEAR)
    assert [card.code for card in summary.movers] == codes[:3]
    assert summary.alert_count == 1 and "Square des Lilas" in summary.alerts[0].text
    assert [action.title for action in summary.overdue] == ["Fermer le hall B"]
    assert summary.next_meeting is not None and summary.next_meeting.title == "COPIL de printemps"


def test_a_role_sees_only_the_figures_it_may(moved):
    for card in five_minutes(moved.users["care"], moved.plan, YEAR).movers:
        assert not card.suppressed
        assert card.records_url is None or "/enregistrements/arrest/" not in card.records_url


def test_the_dashboard_opens_on_the_summary_and_it_has_its_page_and_one_page_pdf(client, moved, tmp_path):
    client.force_login(moved.users["coordinator"])
    page = client.get("/plans/ville/", PERIOD).content.decode()
    assert page.index('id="copil-5-minutes"') < page.index('id="axe-repression"')
    assert page.index('id="copil-5-minutes"') < page.index('class="fr-mb-3w copil-period-select"')
    summary = page[page.index('id="copil-5-minutes"') : page.index('id="axe-repression"')]
    assert summary.count('class="copil-mover fr-p-2w"') == 3 and 'id="mouvement-seizures"' not in summary
    assert "1 alerte ouverte" in summary and "Fermer le hall B" in summary and "COPIL de printemps" in summary
    alert = Alert.objects.get(plan=moved.plan)
    assert f'href="/plans/ville/alertes/{alert.pk}/"' in summary  # each open alert links to its follow-up page
    own = client.get("/plans/ville/5-minutes/", PERIOD)
    assert own.status_code == 200 and "Le COPIL en 5 minutes" in own.content.decode()
    response = client.get("/plans/ville/5-minutes/pdf/", PERIOD)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = tmp_path / "5-minutes.pdf"
    pdf.write_bytes(response.content)
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Pages:\s+1$", info, re.MULTILINE)
    text = re.sub(r"\s+", " ", subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout)
    assert "Plan de la ville" in text and "Fermer le hall B" in text and "Square des Lilas" in text


def test_the_page_opens_on_the_time_since_the_last_approved_bilan_and_is_for_members_only(client, moved):
    from copil.reports.models import BilanVersion

    BilanVersion.objects.create(
        plan=moved.plan,
        number=1,
        period_start=dt.date(2023, 1, 1),
        period_end=dt.date(2023, 12, 31),
        state=BilanVersion.State.APPROVED,
    )
    assert client.get("/plans/ville/5-minutes/").status_code == 302
    client.force_login(moved.users["coordinator"])
    page = client.get("/plans/ville/5-minutes/").content.decode()
    since = Period(dt.date(2024, 1, 1), timezone.localdate())
    assert f"Chiffres {since.label}" in page


def test_moves_rank_by_relative_change_a_figure_from_nothing_first():
    assert sorted([(2, 10), (0, 3), (100, 150)], key=lambda pair: movement(pair[1], pair[0]), reverse=True) == [
        (0, 3),
        (2, 10),
        (100, 150),
    ]


def test_the_movers_are_cached_per_data_version_and_reader_and_a_write_is_read_at_once(moved):
    coordinator, care = moved.users["coordinator"], moved.users["care"]
    first = five_minutes(coordinator, moved.plan, YEAR).movers
    assert five_minutes(coordinator, moved.plan, YEAR).movers == first  # from the cache
    arrests = next(card for card in first if card.code == "trafficker_arrests")
    # Another reader sees its own cards, not the coordinator's cached ones.
    assert five_minutes(care, moved.plan, YEAR).movers == figures_that_moved(care, moved.plan, YEAR)
    # A write moves the figure: the next summary states it, not the cached one.
    make_record("arrest", moved.partners["police"], arrested_on=dt.date(2023, 6, 1), role="trafficker")
    after = five_minutes(coordinator, moved.plan, YEAR).movers
    moved_again = next(card for card in after if card.code == "trafficker_arrests")
    assert moved_again.value != arrests.value and "+9" in moved_again.evolution
    assert after == figures_that_moved(coordinator, moved.plan, YEAR)
