"""Early warning of the plan: the daily prospective scan of field observations, and the emerging hot-spot grid.

The statistics live in the `analytics` package (arrays in, results out); this module reads the records, projects
their WGS84 coordinates to metres with the local equirectangular projection of `analytics.geo` (centred on the
records' mean position: over a city sector its distances are within 0.1 % of the geodesic ones), stores the alerts,
and serves them as GeoJSON for the map and as lines for the committee's agenda.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from analytics.geo import to_lat_lon, to_metres
from analytics.hotspots import distance_band, emerging_hot_spots
from analytics.scan import ScanResult, prospective_scan
from copil.alerts.models import Alert
from copil.plans.models import Plan
from copil.records.models import DealPoint, FieldObservation, Seizure
from copil.reports.formatting import format_number

ALPHA = 0.05
STUDY_DAYS = 365
MAX_WINDOW_DAYS = 30
MAX_RADIUS_M = 500.0

HOT_SPOT_LABELS = {
    "new_hot_spot": gettext_lazy("new hot spot"),
    "consecutive_hot_spot": gettext_lazy("consecutive hot spot"),
    "intensifying_hot_spot": gettext_lazy("intensifying hot spot"),
    "persistent_hot_spot": gettext_lazy("persistent hot spot"),
    "diminishing_hot_spot": gettext_lazy("diminishing hot spot"),
    "sporadic_hot_spot": gettext_lazy("sporadic hot spot"),
    "oscillating_hot_spot": gettext_lazy("oscillating hot spot"),
    "historical_hot_spot": gettext_lazy("historical hot spot"),
    "new_cold_spot": gettext_lazy("new cold spot"),
    "consecutive_cold_spot": gettext_lazy("consecutive cold spot"),
    "intensifying_cold_spot": gettext_lazy("intensifying cold spot"),
    "persistent_cold_spot": gettext_lazy("persistent cold spot"),
    "diminishing_cold_spot": gettext_lazy("diminishing cold spot"),
    "sporadic_cold_spot": gettext_lazy("sporadic cold spot"),
    "oscillating_cold_spot": gettext_lazy("oscillating cold spot"),
    "historical_cold_spot": gettext_lazy("historical cold spot"),
    "no_pattern": gettext_lazy("no pattern detected"),
}
# The palette of ArcGIS Pro's Emerging Hot Spot Analysis: reds for hot spots, blues for cold spots.
HOT_SPOT_COLORS = {
    "new_hot_spot": "#cb0800",
    "consecutive_hot_spot": "#bd6d5e",
    "intensifying_hot_spot": "#e01709",
    "persistent_hot_spot": "#851400",
    "diminishing_hot_spot": "#e8a8a0",
    "sporadic_hot_spot": "#f2c1b6",
    "oscillating_hot_spot": "#f7d8d0",
    "historical_hot_spot": "#c7a39a",
    "new_cold_spot": "#0b3fa5",
    "consecutive_cold_spot": "#5e72bd",
    "intensifying_cold_spot": "#1b3ee0",
    "persistent_cold_spot": "#002685",
    "diminishing_cold_spot": "#a0b1e8",
    "sporadic_cold_spot": "#b6c5f2",
    "oscillating_cold_spot": "#d0daf7",
    "historical_cold_spot": "#9aa6c7",
    "no_pattern": "#e5e5e5",
}
# Hot-spot categories that raise an alert: clustering that is appearing or growing now.
EMERGING = ("new_hot_spot", "consecutive_hot_spot", "intensifying_hot_spot")


def _day_bounds(first: dt.date, last: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """Aware datetimes from the start of `first` to the end of `last`, in the project's time zone."""
    zone = timezone.get_current_timezone()
    start = timezone.make_aware(dt.datetime.combine(first, dt.time.min), zone)
    end = timezone.make_aware(dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min), zone)
    return start, end


def _seed(plan: Plan, day: dt.date) -> np.random.SeedSequence:
    """The default seed of a plan's analysis of a day: reproducible, different from day to day."""
    return np.random.SeedSequence([plan.pk, day.toordinal()])


def _announce(alert: Alert) -> None:
    """Tell the plan's coordinators and the partners its settings name of a new alert (by e-mail, later)."""
    from copil.notifications.messages import alert_raised

    alert_raised(alert)


# The categories of signalement that are scanned as field observations: what the scan looks for (a scene of
# users or of dealing gathering), not a syringe found or a squat.
SCANNED_SIGNALEMENT_CATEGORIES = ("regroupement", "point_de_deal")


@dataclass(frozen=True)
class ScanInput:
    """What the scan of one plan on one day reads, as arrays: the scans of every plan can then run in one Dask job,
    apart from the database. `rows` keeps each case's field observation id (None for a signalement, see
    `SCANNED_SIGNALEMENT_CATEGORIES`) and address for the alerts."""

    plan_id: int
    day: dt.date
    rows: list[tuple[int | None, str]]
    lat0: float
    lon0: float
    coords: np.ndarray
    days: np.ndarray
    centres: np.ndarray
    seed: int | np.random.SeedSequence
    study_days: int
    max_window: int
    max_radius_m: float


def scan_input(
    plan: Plan,
    day: dt.date,
    *,
    seed: int | None = None,
    study_days: int = STUDY_DAYS,
    max_window: int = MAX_WINDOW_DAYS,
    max_radius_m: float = MAX_RADIUS_M,
) -> ScanInput | None:
    """The located field observations of the `study_days` days up to `day`, one case each at its local date (the
    number of people seen is kept in the records but not used as a count: several partners may report the same
    group), then the located signalements observed in those days whose category is a scene the scan looks for
    (`SCANNED_SIGNALEMENT_CATEGORIES`: users regrouping, a deal point suspected), one case each too; and the
    plan's located deal points as extra candidate centres (a scene gathers around a known place where no one has
    reported yet); None when there is nothing to scan."""
    from copil.signalements.models import Signalement

    start, end = _day_bounds(day - dt.timedelta(days=study_days - 1), day)
    located = {"plan": plan, "latitude__isnull": False, "longitude__isnull": False}
    window = {"observed_at__gte": start, "observed_at__lt": end}
    fields = ("pk", "latitude", "longitude", "observed_at", "address")
    rows: list[tuple[int | None, Decimal, Decimal, dt.datetime, str]] = list(
        FieldObservation.objects.filter(**located, **window).order_by("pk").values_list(*fields)
    )
    signalements = Signalement.objects.filter(
        **located, **window, category__code__in=SCANNED_SIGNALEMENT_CATEGORIES
    ).order_by("pk")
    rows += [(None, *row[1:]) for row in signalements.values_list(*fields)]
    if not rows:
        return None
    lat = np.array([_degrees(r[1]) for r in rows])
    lon = np.array([_degrees(r[2]) for r in rows])
    lat0, lon0 = float(lat.mean()), float(lon.mean())
    places = DealPoint.objects.filter(plan=plan, latitude__isnull=False, longitude__isnull=False)
    known = list(places.order_by("pk").values_list("latitude", "longitude"))
    centres = (
        to_metres([_degrees(k[0]) for k in known], [_degrees(k[1]) for k in known], lat0, lon0)
        if known
        else np.empty((0, 2))
    )
    return ScanInput(
        plan_id=plan.pk,
        day=day,
        rows=[(r[0], r[4]) for r in rows],
        lat0=lat0,
        lon0=lon0,
        coords=to_metres(lat, lon, lat0, lon0),
        days=np.array([timezone.localtime(r[3]).date().toordinal() for r in rows]),
        centres=np.asarray(centres, dtype=float).reshape(-1, 2),
        seed=_seed(plan, day) if seed is None else seed,
        study_days=study_days,
        max_window=max_window,
        max_radius_m=max_radius_m,
    )


def scan_arrays(
    inputs: ScanInput, *, replicates: int = 999, n_threads: int | None = None, scheduler: object | None = None
) -> ScanResult:
    """The prospective scan of one plan's arrays (no database: runs in a Dask worker)."""
    return prospective_scan(
        inputs.coords,
        inputs.days,
        day=inputs.day.toordinal(),
        study_days=inputs.study_days,
        max_window=inputs.max_window,
        max_radius=inputs.max_radius_m,
        replicates=replicates,
        seed=inputs.seed,
        n_threads=n_threads,
        scheduler=scheduler,
        centres=inputs.centres if inputs.centres.size else None,
    )


def run_scan(
    plan: Plan,
    day: dt.date,
    *,
    replicates: int = 999,
    seed: int | None = None,
    alpha: float = ALPHA,
    study_days: int = STUDY_DAYS,
    max_window: int = MAX_WINDOW_DAYS,
    max_radius_m: float = MAX_RADIUS_M,
    scheduler: str | None = None,
) -> list[Alert]:
    """Prospective space-time permutation scan of the plan's field observations on `day`; stores the alerts.

    Circles up to `max_radius_m` and half of the observations, centred on the observations and on the plan's deal
    points, windows up to `max_window` days ending on `day`, `replicates` Monte Carlo replicates (seeded by the plan
    and the day unless `seed` is given). See `scan_input` for the cases and `store_scan` for the alerts.
    """
    inputs = scan_input(plan, day, seed=seed, study_days=study_days, max_window=max_window, max_radius_m=max_radius_m)
    result = scan_arrays(inputs, replicates=replicates, scheduler=scheduler) if inputs else None
    return store_scan(plan, day, inputs, result, alpha=alpha)


def scan_plans(
    plans: Iterable[Plan], day: dt.date, *, replicates: int = 999, alpha: float = ALPHA, scheduler: str | None = None
) -> dict[str, list[Alert]]:
    """The scans of many plans on `day` (a national deployment's daily task) as one Dask job: the arrays are read
    plan by plan, the scans computed in parallel (local threads, each scan on one core with the GIL released, or
    the workers of the Dask scheduler at `scheduler`), then the alerts stored plan by plan. Each plan's alerts are
    the ones `run_scan` gives it alone (same seed)."""
    import dask

    plans = list(plans)
    inputs = {plan.pk: scan_input(plan, day) for plan in plans}
    todo = [item for item in inputs.values() if item is not None]
    jobs = [dask.delayed(scan_arrays, pure=True)(item, replicates=replicates, n_threads=1) for item in todo]
    if scheduler:
        from distributed import Client

        with Client(scheduler) as client:
            computed = dask.compute(*jobs, scheduler=client.get)
    else:
        computed = dask.compute(*jobs, scheduler="threads")
    results = {item.plan_id: result for item, result in zip(todo, computed, strict=True)}
    return {plan.slug: store_scan(plan, day, inputs[plan.pk], results.get(plan.pk), alpha=alpha) for plan in plans}


def store_scan(
    plan: Plan, day: dt.date, inputs: ScanInput | None, result: ScanResult | None, *, alpha: float = ALPHA
) -> list[Alert]:
    """Every cluster with p < alpha becomes an open Alert ranked by likelihood, linked to its observations. Running
    the same plan and day again updates those alerts (keeping their status) and removes the ones no longer found; an
    open cluster alert of an earlier day whose circle overlaps a new one is closed, the new alert replacing it."""
    clusters = result.significant(alpha) if result is not None and inputs is not None else []
    alerts: list[Alert] = []
    with transaction.atomic():
        for rank, cluster in enumerate(clusters, start=1):
            assert inputs is not None
            c_lat, c_lon = to_lat_lon(cluster.x, cluster.y, inputs.lat0, inputs.lon0)
            places = Counter(inputs.rows[k][1] for k in cluster.cases if inputs.rows[k][1])
            alert, _created = Alert.objects.update_or_create(
                plan=plan,
                kind=Alert.Kind.SCAN_CLUSTER,
                detected_on=day,
                rank=rank,
                defaults={
                    "place": places.most_common(1)[0][0] if places else "",
                    "latitude": Decimal(f"{float(c_lat):.6f}"),
                    "longitude": Decimal(f"{float(c_lon):.6f}"),
                    "radius_m": round(cluster.radius),
                    "start_day": dt.date.fromordinal(cluster.start_day),
                    "end_day": dt.date.fromordinal(cluster.end_day),
                    "observed": cluster.observed,
                    "expected": cluster.expected,
                    "p_value": cluster.p_value,
                    "recurrence_interval_days": cluster.recurrence_interval,
                    "category": "",
                },
            )
            alert.observations.set([pk for pk in (inputs.rows[k][0] for k in cluster.cases.tolist()) if pk is not None])
            alerts.append(alert)
            if _created:
                _announce(alert)
        Alert.objects.filter(plan=plan, kind=Alert.Kind.SCAN_CLUSTER, detected_on=day, rank__gt=len(alerts)).delete()
        for alert in alerts:
            for older in open_alerts(plan).filter(kind=Alert.Kind.SCAN_CLUSTER, detected_on__lt=day):
                if _overlap(alert, older):
                    older.status = Alert.Status.CLOSED
                    older.save(update_fields=["status", "updated_at"])
    return alerts


def _overlap(a: Alert, b: Alert) -> bool:
    """Whether the circles of two alerts intersect."""
    xy = to_metres(
        [float(a.latitude), float(b.latitude)],
        [float(a.longitude), float(b.longitude)],
        float(a.latitude),
        float(a.longitude),
    )
    return float(np.hypot(*(xy[0] - xy[1]))) <= a.radius_m + b.radius_m


def open_alerts(plan: Plan) -> QuerySet[Alert]:
    """The plan's open alerts, latest detection first."""
    return Alert.objects.filter(plan=plan, status=Alert.Status.OPEN).order_by("-detected_on", "kind", "rank")


def alert_summary(alert: Alert) -> str:
    """One sentence in French describing an alert (map pop-up, meeting agenda)."""
    if alert.kind == Alert.Kind.HOT_SPOT:
        return _("{category} around {place}: {observed} events nearby since {start} for {expected} expected").format(
            category=HOT_SPOT_LABELS.get(alert.category, alert.category).capitalize(),
            place=alert.place or _("the cell"),
            observed=alert.observed,
            start=formats.date_format(alert.start_day, "SHORT_DATE_FORMAT"),
            expected=format_number(alert.expected, 1),
        )
    text = _(
        "Gathering around {place} (radius {radius} m) since {start}: {observed} observations for {expected} expected"
    ).format(
        place=alert.place or _("an unnamed place"),
        radius=alert.radius_m,
        start=formats.date_format(alert.start_day, "SHORT_DATE_FORMAT"),
        observed=alert.observed,
        expected=format_number(alert.expected, 1),
    )
    if alert.recurrence_interval_days:
        text += " " + _("(p = {p}; by chance once every {days} days)").format(
            p=format_number(alert.p_value, 3), days=format_number(alert.recurrence_interval_days, 0)
        )
    return text


def alerts_geojson(plan: Plan, *, include_closed: bool = False) -> dict:
    """The plan's alerts as a GeoJSON FeatureCollection of points (centre) with their radius in properties."""
    alerts = Alert.objects.filter(plan=plan) if include_closed else open_alerts(plan)
    features = []
    for alert in alerts.select_related("assigned_to").prefetch_related("observations"):
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [float(alert.longitude), float(alert.latitude)]},
                "properties": {
                    "id": alert.pk,
                    "kind": alert.kind,
                    "kind_label": str(alert.get_kind_display()),
                    "category": alert.category,
                    "status": alert.status,
                    "follow_up": alert.follow_up,
                    "place": alert.place,
                    "radius_m": alert.radius_m,
                    "detected_on": alert.detected_on.isoformat(),
                    "start_day": alert.start_day.isoformat(),
                    "end_day": alert.end_day.isoformat(),
                    "observed": alert.observed,
                    "expected": round(alert.expected, 2),
                    "p_value": alert.p_value,
                    "recurrence_interval_days": alert.recurrence_interval_days,
                    "records": len(alert.observations.all()),
                    "summary": alert_summary(alert),
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def agenda_alerts(plan: Plan, meeting_day: dt.date | None = None) -> list[dict]:
    """Items for the agenda of the plan's next meeting: the open alerts detected up to `meeting_day` (today).

    Each item holds the alert and its French summary, most recent first; cluster alerts before hot spots.
    """
    meeting_day = meeting_day or timezone.localdate()
    alerts = open_alerts(plan).filter(detected_on__lte=meeting_day).select_related("assigned_to")
    return [{"alert": alert, "text": alert_summary(alert), "follow_up": alert.follow_up} for alert in alerts]


# --------------------------------------------------------------------------------------------- hot spots


def _month_starts(last: dt.date, months: int) -> list[dt.date]:
    first = dt.date(last.year, last.month, 1)
    starts = []
    for k in range(months - 1, -1, -1):
        index = first.year * 12 + first.month - 1 - k
        starts.append(dt.date(index // 12, index % 12 + 1, 1))
    return starts


def _events(plan: Plan, months: list[dt.date], end: dt.date) -> list[tuple[float, float, int, str]]:
    """(latitude, longitude, month index, label) of the events counted in the cube.

    A deal point counts once in every month it is active (identified on or before the month's end, not neutralized
    before the month's start); a seizure counts in its month at the place of its operation's deal point.
    """
    events = []
    ends = [*months[1:], end + dt.timedelta(days=1)]
    points = DealPoint.objects.filter(plan=plan, latitude__isnull=False, longitude__isnull=False)
    for point in points.filter(identified_on__lt=ends[-1]).filter(
        Q(neutralized_on__isnull=True) | Q(neutralized_on__gte=months[0])
    ):
        for m, (first, after) in enumerate(zip(months, ends, strict=True)):
            if point.identified_on < after and (point.neutralized_on is None or point.neutralized_on >= first):
                events.append((_degrees(point.latitude), _degrees(point.longitude), m, point.name or point.address))
    seizures = Seizure.objects.filter(
        plan=plan,
        seized_on__gte=months[0],
        seized_on__lt=ends[-1],
        operation__deal_point__latitude__isnull=False,
        operation__deal_point__longitude__isnull=False,
    ).values_list("seized_on", "operation__deal_point__latitude", "operation__deal_point__longitude")
    for seized_on, lat, lon in seizures:
        m = max(k for k, first in enumerate(months) if first <= seized_on)
        events.append((_degrees(lat), _degrees(lon), m, ""))
    return events


def hot_spot_grid(
    plan: Plan,
    *,
    day: dt.date | None = None,
    months: int = 12,
    cell_size_m: float = 250.0,
    neighborhood_m: float | None = None,
    time_step: int = 1,
    alpha: float = ALPHA,
) -> dict:
    """Emerging hot spots of deal points and seizures on a square grid, as a GeoJSON FeatureCollection of cells.

    The space-time cube has `months` monthly time steps ending with the month of `day` (today) and square cells of
    `cell_size_m` metres covering the located deal points; Gi* uses the cells within `neighborhood_m` (default: the
    8 surrounding cells) and `time_step` previous months. Cells holding at least one event are returned, each with
    its category (see `analytics.hotspots`), French label, colour and monthly counts.
    """
    day = day or timezone.localdate()
    starts = _month_starts(day, months)
    events = _events(plan, starts, day)
    if not events:
        return {"type": "FeatureCollection", "features": []}
    lat = np.array([e[0] for e in events])
    lon = np.array([e[1] for e in events])
    lat0, lon0 = float(lat.mean()), float(lon.mean())
    xy = to_metres(lat, lon, lat0, lon0)
    origin = np.floor(xy.min(axis=0) / cell_size_m) * cell_size_m - cell_size_m
    shape = (np.floor((xy.max(axis=0) - origin) / cell_size_m).astype(int) + 2).tolist()
    col = np.floor((xy[:, 0] - origin[0]) / cell_size_m).astype(int)
    row = np.floor((xy[:, 1] - origin[1]) / cell_size_m).astype(int)
    cell = row * shape[0] + col
    n_cells = shape[0] * shape[1]
    cube = np.zeros((n_cells, months))
    np.add.at(cube, (cell, [e[2] for e in events]), 1)
    centres = np.array(
        [
            (origin[0] + (c % shape[0] + 0.5) * cell_size_m, origin[1] + (c // shape[0] + 0.5) * cell_size_m)
            for c in range(n_cells)
        ]
    )
    neighbors = distance_band(centres, neighborhood_m or 1.5 * cell_size_m)
    result = emerging_hot_spots(cube, neighbors, time_step=time_step, alpha=alpha)
    # What Gi* weighs for the last time step: events of the neighbourhood over the last time_step + 1 months,
    # against their expectation were the events spread evenly over every cell and month (mean × number of bins).
    recent = neighbors.astype(float) @ cube[:, -(time_step + 1) :].sum(axis=1)
    expected = cube.mean() * np.asarray(neighbors.sum(axis=1)).reshape(-1) * min(time_step + 1, months)
    labels: dict[int, Counter] = {}
    for c, event in zip(cell, events, strict=True):
        if event[3]:
            labels.setdefault(int(c), Counter())[event[3]] += 1
    features = []
    for c in np.flatnonzero(cube.sum(axis=1) > 0):
        x0, y0 = centres[c] - cell_size_m / 2
        corners_lat, corners_lon = to_lat_lon(
            [x0, x0 + cell_size_m, x0 + cell_size_m, x0, x0],
            [y0, y0, y0 + cell_size_m, y0 + cell_size_m, y0],
            lat0,
            lon0,
        )
        category = str(result.categories[c])
        features.append(
            {
                "type": "Feature",
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [
                        [
                            [round(float(a), 6), round(float(b), 6)]
                            for a, b in zip(corners_lon, corners_lat, strict=True)
                        ]
                    ],
                },
                "properties": {
                    "cell": int(c),
                    "category": category,
                    "label": str(HOT_SPOT_LABELS[category]),
                    "color": HOT_SPOT_COLORS[category],
                    "place": labels[int(c)].most_common(1)[0][0] if int(c) in labels else "",
                    "months": [m.isoformat() for m in starts],
                    "counts": cube[c].astype(int).tolist(),
                    "observed": int(recent[c]),
                    "expected": round(float(expected[c]), 3),
                    "z": round(float(result.z[c, -1]), 3),
                    "p": round(float(result.p[c, -1]), 4),
                    "trend_z": round(float(result.trend_z[c]), 3),
                    "trend_p": round(float(result.trend_p[c]), 4),
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def run_hot_spots(plan: Plan, day: dt.date, **options) -> list[Alert]:
    """Store an alert for every cell of `hot_spot_grid` classified as a new, consecutive or intensifying hot spot.

    Idempotent for a plan and a day, like `run_scan`.
    """
    grid = hot_spot_grid(plan, day=day, **options)
    cell_size = options.get("cell_size_m", 250.0)
    alerts = []
    with transaction.atomic():
        emerging = [f for f in grid["features"] if f["properties"]["category"] in EMERGING]
        emerging.sort(key=lambda f: (EMERGING.index(f["properties"]["category"]), -f["properties"]["z"]))
        for rank, feature in enumerate(emerging, start=1):
            ring = feature["geometry"]["coordinates"][0]
            props = feature["properties"]
            lon = sum(p[0] for p in ring[:4]) / 4
            lat = sum(p[1] for p in ring[:4]) / 4
            alert, _created = Alert.objects.update_or_create(
                plan=plan,
                kind=Alert.Kind.HOT_SPOT,
                detected_on=day,
                rank=rank,
                defaults={
                    "place": props["place"],
                    "latitude": Decimal(f"{lat:.6f}"),
                    "longitude": Decimal(f"{lon:.6f}"),
                    "radius_m": round(cell_size * math.sqrt(2) / 2),  # half the diagonal of the cell
                    "start_day": dt.date.fromisoformat(props["months"][-1 - options.get("time_step", 1)]),
                    "end_day": day,
                    "observed": props["observed"],
                    "expected": props["expected"],
                    "p_value": props["p"],
                    "recurrence_interval_days": None,
                    "category": props["category"],
                },
            )
            alerts.append(alert)
            if _created:
                _announce(alert)
        Alert.objects.filter(plan=plan, kind=Alert.Kind.HOT_SPOT, detected_on=day, rank__gt=len(alerts)).delete()
    return alerts


def _degrees(value: Decimal | None) -> float:
    """A coordinate of a row the query kept for having one."""
    if value is None:
        raise ValueError("coordinate missing on a row selected for its coordinates")
    return float(value)
