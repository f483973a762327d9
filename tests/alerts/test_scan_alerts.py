"""Early-warning alerts: the scan of the Paris demo, storage, idempotence, GeoJSON, agenda, command and task."""

import datetime as dt
import math
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.utils import timezone

from copil.alerts.models import Alert
from copil.alerts.services import agenda_alerts, alert_summary, alerts_geojson, open_alerts, run_scan, scan_plans
from copil.alerts.tasks import daily_scan
from copil.imports.plan_file import import_plan_directory
from copil.plans.models import Plan
from copil.records.models import FieldObservation
from tests.factories import make_partner, make_plan

RIQUET = (48.88915, 2.37015)  # rue Riquet, by the rue de Tanger: where the demo's scene re-forms
COMMITTEE = dt.date(2023, 10, 5)
SQUARE = (48.8855, 2.3575)  # between the places of the `sector` fixture


def metres(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Haversine distance, independent of the projection the application uses."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    a = (
        math.sin((phi2 - phi1) / 2) ** 2
        + math.cos(phi1) * math.cos(phi2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * 6_371_008.8 * math.asin(math.sqrt(a))


@pytest.mark.django_db
def test_paris_demo_flags_the_rue_riquet_regrouping_and_nothing_else():
    import_plan_directory(settings.COPIL_DEMO_DIR / "paris")
    plan = Plan.objects.get(slug="paris")
    alerts = run_scan(plan, COMMITTEE, replicates=199)
    assert len(alerts) == 1
    alert = alerts[0]
    assert metres(float(alert.latitude), float(alert.longitude), *RIQUET) < 100
    assert alert.place == "Rue Riquet, angle rue de Tanger, Paris"
    assert alert.p_value < 0.05
    assert alert.recurrence_interval_days == pytest.approx(1 / alert.p_value)
    assert alert.start_day >= dt.date(2023, 9, 10) and alert.end_day == COMMITTEE
    assert alert.observed > 3 * alert.expected
    records = list(alert.observations.all())
    assert len(records) == alert.observed
    assert {r.address for r in records} == {"Rue Riquet, angle rue de Tanger, Paris"}
    local_days = {timezone.localtime(r.observed_at).date() for r in records}
    assert min(local_days) >= alert.start_day and max(local_days) <= COMMITTEE
    # Idempotent for the same plan and day: the same alert, updated in place, its status kept.
    Alert.objects.filter(pk=alert.pk).update(status=Alert.Status.CLOSED)
    again = run_scan(plan, COMMITTEE, replicates=199)
    assert [a.pk for a in again] == [alert.pk]
    assert Alert.objects.get(pk=alert.pk).status == Alert.Status.CLOSED
    assert Alert.objects.filter(plan=plan).count() == 1


def observations(plan, partner, day: dt.date, lat: float, lon: float, n: int, address: str = "") -> list:
    at = timezone.make_aware(dt.datetime.combine(day, dt.time(21, 0)))
    return [
        FieldObservation(
            plan=plan,
            partner=partner,
            external_id=f"OBS-{day:%Y%m%d}-{lat:.5f}-{lon:.5f}-{address}-{k}",
            observed_at=at,
            latitude=f"{lat:.6f}",
            longitude=f"{lon:.6f}",
            address=address,
            people_count=5,
            source=FieldObservation.Source.PATROL,
        )
        for k in range(n)
    ]


def observe(plan, partner, day: dt.date, lat: float, lon: float, n: int, address: str = "") -> None:
    FieldObservation.objects.bulk_create(observations(plan, partner, day, lat, lon, n, address))


@pytest.fixture
def sector(db):
    """Ten places observed once every other day over 200 days, and a square where a group gathers at the end."""
    plan = make_plan(slug="secteur", started_on=dt.date(2023, 1, 1))
    police = make_partner(plan, role="police", code="police")
    places = [(48.880 + 0.004 * (k % 5), 2.350 + 0.006 * (k // 5)) for k in range(10)]
    start = dt.date(2023, 1, 1)
    background = []
    for d in range(0, 200, 2):
        for k, (lat, lon) in enumerate(places):
            if (d // 2 + k) % 3 == 0:
                background += observations(plan, police, start + dt.timedelta(days=d), lat, lon, 1, f"Lieu {k}")
    FieldObservation.objects.bulk_create(background)
    return plan, police, places, start + dt.timedelta(days=199)


def test_alerts_are_stored_superseded_and_served(sector):
    plan, police, places, last = sector
    square = SQUARE
    for d in range(6):
        observe(plan, police, last - dt.timedelta(days=d), *square, 3, "Square des Deux-Moulins")
    before = run_scan(plan, last - dt.timedelta(days=1), replicates=99, seed=1)
    alerts = run_scan(plan, last, replicates=99, seed=1)
    assert len(alerts) == 1 and len(before) == 1
    alert = alerts[0]
    assert alert.kind == Alert.Kind.SCAN_CLUSTER and alert.rank == 1
    assert alert.place == "Square des Deux-Moulins"
    assert metres(float(alert.latitude), float(alert.longitude), *square) < 5
    assert alert.observed == 18 and alert.start_day == last - dt.timedelta(days=5)
    assert alert.p_value == pytest.approx(0.01)
    # The alert of the day before, same place, is closed: the new one replaces it.
    assert Alert.objects.get(pk=before[0].pk).status == Alert.Status.CLOSED
    assert list(open_alerts(plan)) == [alert]
    geojson = alerts_geojson(plan)
    assert geojson["type"] == "FeatureCollection" and len(geojson["features"]) == 1
    feature = geojson["features"][0]
    assert feature["geometry"]["coordinates"] == [float(alert.longitude), float(alert.latitude)]
    assert feature["properties"]["records"] == 18
    assert feature["properties"]["radius_m"] == alert.radius_m
    assert "Square des Deux-Moulins" in feature["properties"]["summary"]
    assert len(alerts_geojson(plan, include_closed=True)["features"]) == 2
    items = agenda_alerts(plan, meeting_day=last + dt.timedelta(days=3))
    assert [item["alert"] for item in items] == [alert]
    assert items[0]["text"].startswith("Regroupement autour de Square des Deux-Moulins")
    assert "18 observations pour" in items[0]["text"]
    assert agenda_alerts(plan, meeting_day=last - dt.timedelta(days=2)) == []


def test_no_alert_without_a_regrouping_and_stale_alerts_removed(sector):
    plan, police, places, last = sector
    Alert.objects.create(
        plan=plan,
        kind=Alert.Kind.SCAN_CLUSTER,
        detected_on=last,
        rank=1,
        latitude="48.880000",
        longitude="2.350000",
        radius_m=10,
        start_day=last,
        end_day=last,
        observed=3,
        expected=0.5,
        p_value=0.01,
    )
    assert run_scan(plan, last, replicates=99, seed=2) == []
    assert not Alert.objects.filter(plan=plan, detected_on=last).exists()


def test_summary_is_french_prose(sector):
    plan, *_ = sector
    alert = Alert(
        plan=plan,
        kind=Alert.Kind.SCAN_CLUSTER,
        detected_on=COMMITTEE,
        place="Rue Riquet, Paris",
        latitude="48.889150",
        longitude="2.370150",
        radius_m=120,
        start_day=dt.date(2023, 9, 17),
        end_day=COMMITTEE,
        observed=36,
        expected=4.25,
        p_value=0.001,
        recurrence_interval_days=1000.0,
    )
    assert alert_summary(alert) == (
        "Regroupement autour de Rue Riquet, Paris (rayon 120 m) depuis le 17/09/2023 : "
        "36 observations pour 4,3 attendues (p = 0,001 ; par hasard une fois tous les 1\u00a0000 jours)"
    )


def test_scan_command_prints_a_french_summary(sector):
    plan, police, places, last = sector
    for d in range(6):
        observe(plan, police, last - dt.timedelta(days=d), *SQUARE, 3, "Square des Deux-Moulins")
    out = StringIO()
    call_command("scan", plan="secteur", day=last, replicates=99, stdout=out)
    text = out.getvalue()
    assert "Plan « " in text and f"analyse du {last:%d/%m/%Y}" in text
    assert "1 regroupement significatif (p < 0,05) :" in text
    assert "Square des Deux-Moulins" in text
    with pytest.raises(CommandError, match="Plan inconnu"):
        call_command("scan", plan="nulle-part", stdout=StringIO())


def test_scan_command_without_plan_enqueues_the_daily_task(sector):
    plan, police, places, last = sector
    out = StringIO()
    call_command("scan", day=last, replicates=19, stdout=out)
    assert out.getvalue().startswith(f"Tâche quotidienne d'alerte précoce du {last:%d/%m/%Y} mise en file")


def test_daily_task_scans_every_plan_in_progress(sector):
    plan, police, places, last = sector
    for d in range(6):
        observe(plan, police, last - dt.timedelta(days=d), *SQUARE, 3, "Square des Deux-Moulins")
    make_plan(slug="pas-commence", started_on=last + dt.timedelta(days=10))
    found = daily_scan.call(day=last.isoformat(), replicates=99)
    assert found["secteur"] >= 1
    assert "pas-commence" not in found
    assert Alert.objects.filter(plan=plan, kind=Alert.Kind.SCAN_CLUSTER, detected_on=last).count() == 1


def test_the_daily_scans_of_many_plans_run_as_one_dask_job_and_equal_each_plans_own_scan(sector):
    """A national deployment: three plans scanned together give each the alerts its own scan gives it."""
    plan, police, places, last = sector
    for d in range(6):
        observe(plan, police, last - dt.timedelta(days=d), *SQUARE, 3, "Square des Deux-Moulins")
    twins = []
    for n, shift in enumerate((0.02, -0.02)):
        twin = make_plan(slug=f"secteur-{n}", started_on=dt.date(2023, 1, 1))
        partner = make_partner(twin, role="police", code=f"police-{n}")
        copies = [
            FieldObservation(
                plan=twin,
                partner=partner,
                external_id=f"{o.external_id}-{n}",
                observed_at=o.observed_at,
                latitude=f"{float(o.latitude) + shift:.6f}",
                longitude=o.longitude,
                address=o.address,
                people_count=o.people_count,
                source=o.source,
            )
            for o in FieldObservation.objects.filter(plan=plan)
        ]
        FieldObservation.objects.bulk_create(copies if n == 0 else copies[: len(copies) // 2])
        twins.append(twin)
    empty = make_plan(slug="sans-observation", started_on=dt.date(2023, 1, 1))

    together = scan_plans([plan, *twins, empty], last, replicates=99)
    alone = {p.slug: run_scan(p, last, replicates=99) for p in (plan, *twins, empty)}

    def key(alerts):
        return [(a.rank, a.latitude, a.longitude, a.radius_m, a.observed, a.p_value) for a in alerts]

    assert set(together) == {plan.slug, *(t.slug for t in twins), empty.slug}
    assert {slug: key(alerts) for slug, alerts in together.items()} == {s: key(a) for s, a in alone.items()}
    assert len(together[plan.slug]) == 1 and together[empty.slug] == []
