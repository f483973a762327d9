"""The map's layers as GeoJSON, built from the records the user may read (`policy.visible_records`).

Each layer is one query whatever the number of records (observations are summed per day and place in the
database). Early-warning alerts and the hot-spot grid come from `copil.alerts.services`; the signalements layer,
by status, from the signalements the user may read (`copil.signalements.queries`).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Count, Sum
from django.db.models.functions import Round, TruncDate
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from copil.access import policy
from copil.access.actors import Actor
from copil.alerts import services as alert_services
from copil.indicators.periods import Period
from copil.plans.models import Plan

DEAL_POINTS = "points-de-deal"
CAMERAS = "cameras"
OBSERVATIONS = "observations"
ALERTS = "alertes"
HOT_SPOTS = "points-chauds"
SIGNALEMENTS = "signalements"
OBSERVATION_PLACES = 4  # decimal places of the observation grid (about 11 m)


def layer_names() -> dict[str, str]:
    return {
        DEAL_POINTS: _("Deal points"),
        CAMERAS: _("Cameras"),
        OBSERVATIONS: _("Field observations"),
        ALERTS: _("Early-warning alerts"),
        HOT_SPOTS: _("Emerging hot spots"),
        SIGNALEMENTS: _("Signalements by status"),
    }


def _point(longitude: Decimal, latitude: Decimal, properties: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [float(longitude), float(latitude)]},
        "properties": properties,
    }


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _located(queryset):
    return queryset.filter(latitude__isnull=False, longitude__isnull=False)


def deal_points(user: Actor, plan: Plan, today: dt.date) -> list[dict[str, Any]]:
    rows = (
        _located(policy.visible_records(user, "deal_point", plan))
        .order_by("name", "pk")
        .values("pk", "name", "address", "latitude", "longitude", "identified_on", "neutralized_on")
    )
    return [
        _point(
            row["longitude"],
            row["latitude"],
            {
                "id": row["pk"],
                "name": row["name"],
                "address": row["address"],
                "status": "neutralized" if row["neutralized_on"] and row["neutralized_on"] <= today else "active",
                "identified_on": _iso(row["identified_on"]),
                "neutralized_on": _iso(row["neutralized_on"]),
            },
        )
        for row in rows
    ]


def cameras(user: Actor, plan: Plan, today: dt.date) -> list[dict[str, Any]]:
    rows = (
        _located(policy.visible_records(user, "camera", plan))
        .order_by("name", "pk")
        .values(
            "pk",
            "name",
            "address",
            "latitude",
            "longitude",
            "installed_on",
            "removed_on",
            "night_vision",
            "coverage_radius_m",
        )
    )
    return [
        _point(
            row["longitude"],
            row["latitude"],
            {
                "id": row["pk"],
                "name": row["name"] or row["address"],
                "address": row["address"],
                "installed_on": _iso(row["installed_on"]),
                "removed_on": _iso(row["removed_on"]),
                "in_service": row["installed_on"] <= today and not (row["removed_on"] and row["removed_on"] <= today),
                "night_vision": row["night_vision"],
                "radius_m": row["coverage_radius_m"],
            },
        )
        for row in rows
    ]


def observation_rows(user: Actor, plan: Plan, period: Period) -> list[dict[str, Any]]:
    """People seen per day and place (about 11 m) over the period, among the observations the user reads."""
    start = timezone.make_aware(dt.datetime.combine(period.start, dt.time.min))
    after = timezone.make_aware(dt.datetime.combine(period.end + dt.timedelta(days=1), dt.time.min))
    return list(
        _located(policy.visible_records(user, "field_observation", plan))
        .filter(observed_at__gte=start, observed_at__lt=after)
        .annotate(
            day=TruncDate("observed_at"),
            lat=Round("latitude", OBSERVATION_PLACES),
            lon=Round("longitude", OBSERVATION_PLACES),
        )
        .order_by()
        .values("day", "lat", "lon")
        .annotate(people=Sum("people_count"), observations=Count("pk"))
        .order_by("day", "lat", "lon")
    )


def observations(user: Actor, plan: Plan, period: Period) -> list[dict[str, Any]]:
    return [
        _point(
            row["lon"],
            row["lat"],
            {"date": _iso(row["day"]), "people": row["people"], "observations": row["observations"]},
        )
        for row in observation_rows(user, plan, period)
    ]


def signalements(user: Actor, plan: Plan, period: Period) -> list[dict[str, Any]]:
    """The located signalements observed in the period that the user may read
    (`copil.signalements.queries.visible_signalements`: none for the public, none before the plan's charter is
    accepted when it is required), each with its status; no description, no reporter."""
    from copil.signalements.models import Signalement
    from copil.signalements.queries import visible_signalements

    start = timezone.make_aware(dt.datetime.combine(period.start, dt.time.min))
    after = timezone.make_aware(dt.datetime.combine(period.end + dt.timedelta(days=1), dt.time.min))
    rows = (
        _located(visible_signalements(user, plan))
        .filter(observed_at__gte=start, observed_at__lt=after)
        .order_by("observed_at", "pk")
        .values("pk", "status", "category__label", "observed_at", "address", "commune", "latitude", "longitude")
    )
    labels = dict(Signalement.Status.choices)
    return [
        _point(
            row["longitude"],
            row["latitude"],
            {
                "id": row["pk"],
                "status": row["status"],
                "status_label": str(labels.get(row["status"], row["status"])),
                "category": row["category__label"],
                "date": _iso(timezone.localtime(row["observed_at"]).date()),
                "address": row["address"] or row["commune"],
            },
        )
        for row in rows
    ]


def signalement_summary(user: Actor, plan: Plan, period: Period) -> list[dict[str, Any]]:
    """The signalements layer as the table under the map reads it: how many located ones the user may read in
    each status, in the lifecycle's order (statuses with none left out); counted by the database, one query
    whatever their number."""
    from django.db.models import Count

    from copil.signalements.models import Signalement
    from copil.signalements.queries import visible_signalements

    start = timezone.make_aware(dt.datetime.combine(period.start, dt.time.min))
    after = timezone.make_aware(dt.datetime.combine(period.end + dt.timedelta(days=1), dt.time.min))
    counts = dict(
        _located(visible_signalements(user, plan))
        .filter(observed_at__gte=start, observed_at__lt=after)
        .order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    return [
        {"status": value, "label": label, "count": counts[value]}
        for value, label in Signalement.Status.choices
        if counts.get(value)
    ]


def layer(user: Actor, plan: Plan, name: str, period: Period, *, today: dt.date | None = None) -> dict[str, Any]:
    """One layer as a GeoJSON FeatureCollection (KeyError for an unknown layer name)."""
    today = today or timezone.localdate()
    if name == DEAL_POINTS:
        features = deal_points(user, plan, today)
    elif name == CAMERAS:
        features = cameras(user, plan, today)
    elif name == OBSERVATIONS:
        features = observations(user, plan, period)
    elif name == ALERTS:
        features = alert_services.alerts_geojson(plan)["features"]
    elif name == HOT_SPOTS:
        features = alert_services.hot_spot_grid(plan)["features"]
    elif name == SIGNALEMENTS:
        features = signalements(user, plan, period)
    else:
        raise KeyError(name)
    return {"type": "FeatureCollection", "name": name, "features": features}


class AlertItem(str):
    """An open alert as the map's list and the agenda show it: the item is its French sentence with where its
    follow-up stands (as before), and also carries the alert, its parts and the address of its follow-up page."""

    alert: Any
    text: str
    follow_up: str
    url: str

    def __new__(cls, alert: Any, text: str, follow_up: str, url: str) -> AlertItem:
        item = super().__new__(cls, _("{summary} (follow-up: {state})").format(summary=text, state=follow_up))
        item.alert, item.text, item.follow_up, item.url = alert, text, follow_up, url
        return item


def open_alerts(plan: Plan, *, until: dt.date | None = None) -> list[AlertItem]:
    """The plan's open early-warning alerts (detected up to `until`, default today), each read as one French
    sentence."""
    return [
        AlertItem(
            alert=item["alert"],
            text=item["text"],
            follow_up=item["follow_up"],
            url=reverse("web:alert", args=[plan.slug, item["alert"].pk]),
        )
        for item in alert_services.agenda_alerts(plan, until)
    ]
