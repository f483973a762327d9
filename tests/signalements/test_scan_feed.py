"""Signalements feed the early warning: the located ones of the scanned categories are cases of the scan."""

import datetime as dt

from copil.alerts.models import Alert
from copil.alerts.services import SCANNED_SIGNALEMENT_CATEGORIES, run_scan, scan_input
from tests.alerts.test_scan_alerts import SQUARE, metres, observe, sector  # noqa: F401 - the fixture
from tests.signalements.helpers import at, signalement


def test_scan_input_adds_located_signalements_of_the_scanned_categories(sector):  # noqa: F811
    plan, police, places, last = sector
    without = scan_input(plan, last)
    assert without is not None
    lat, lon = (f"{x:.6f}" for x in SQUARE)
    signalement(plan, at(last), code="regroupement", latitude=lat, longitude=lon, address="Square")
    signalement(plan, at(last), code="point_de_deal", latitude=lat, longitude=lon, address="Square")
    signalement(plan, at(last), code="materiel", latitude=lat, longitude=lon)  # not a scene the scan looks for
    signalement(plan, at(last), code="regroupement")  # not located
    signalement(plan, at(last + dt.timedelta(days=3)), code="regroupement", latitude=lat, longitude=lon)  # after
    with_them = scan_input(plan, last)
    assert with_them is not None
    assert len(with_them.rows) == len(without.rows) + 2
    assert with_them.rows[-2:] == [(None, "Square"), (None, "Square")]
    assert set(SCANNED_SIGNALEMENT_CATEGORIES) == {"regroupement", "point_de_deal"}


def test_a_regrouping_reported_only_as_signalements_raises_an_alert(sector):  # noqa: F811
    plan, police, places, last = sector
    assert run_scan(plan, last, replicates=99, seed=1) == []  # the background alone: nothing
    lat, lon = (f"{x:.6f}" for x in SQUARE)
    for d in range(6):
        for hour in (18, 20, 22):
            signalement(
                plan,
                at(last - dt.timedelta(days=d), hour),
                code="regroupement",
                latitude=lat,
                longitude=lon,
                address="Square des Deux-Moulins",
            )
    alerts = run_scan(plan, last, replicates=99, seed=1)
    assert len(alerts) == 1
    alert = alerts[0]
    assert alert.place == "Square des Deux-Moulins" and alert.observed == 18
    assert metres(float(alert.latitude), float(alert.longitude), *SQUARE) < 5
    assert alert.observations.count() == 0  # the cases are signalements, not field observations
    assert Alert.objects.filter(plan=plan).count() == 1
