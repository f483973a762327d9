"""A plan with every role, members to log in as, and located records, for the web page tests."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from copil.access.audit import auditlog_disabled
from copil.indicators import rollup
from copil.plans.models import Membership, Partner, Plan
from copil.records.models import (
    Arrest,
    Camera,
    Conviction,
    DealPoint,
    FieldObservation,
    Seizure,
)
from tests.factories import make_partner, make_plan

PASSWORD = "mot-de-passe-de-test-1"
ROLES = ("coordinator", "police", "city", "care", "justice")


@dataclass
class Site:
    plan: Plan
    partners: dict[str, Partner]
    users: dict[str, object] = field(default_factory=dict)


def make_site(slug: str = "ville", *, name: str = "Plan de la ville", population: int = 20000) -> Site:
    from tests.factories import make_territory

    plan = make_plan(slug=slug, name=name, territory=make_territory(population=population))
    partners = {
        role: make_partner(plan, role=role, code=f"{role}-{slug}", name=f"{role.title()} {slug}") for role in ROLES
    }
    partners["police-2"] = make_partner(plan, role="police", code=f"gendarmerie-{slug}", name=f"Gendarmerie {slug}")
    site = Site(plan, partners)
    User = get_user_model()
    for role in (*ROLES, "police-2"):
        user = User.objects.create_user(f"{role}-{slug}", f"{role}-{slug}@example.fr", PASSWORD)
        Membership.objects.create(partner=partners[role], user=user)
        site.users[role] = user
    return site


def add_records(site: Site, count: int, *, start: dt.date = dt.date(2023, 1, 2)) -> None:
    """`count` records of each located kind, plus seizures, arrests and convictions, spread over the days
    from `start` (bulk-created: fixtures, not a channel under test)."""
    police, gendarmerie, city = site.partners["police"], site.partners["police-2"], site.partners["city"]
    plan = site.plan
    deal_points, cameras, observations, seizures, arrests, convictions = [], [], [], [], [], []
    for n in range(count):
        day = start + dt.timedelta(days=n % 300)
        owner = police if n % 2 == 0 else gendarmerie
        lat, lon = Decimal("48.43") + Decimal(n % 50) / 1000, Decimal("0.09") + Decimal(n % 37) / 1000
        deal_points.append(
            DealPoint(
                plan=plan,
                partner=owner,
                external_id=f"DP{n}",
                name=f"Point {n}",
                identified_on=day,
                neutralized_on=day + dt.timedelta(days=30) if n % 3 == 0 else None,
                latitude=lat,
                longitude=lon,
            )
        )
        cameras.append(
            Camera(
                plan=plan,
                partner=city,
                external_id=f"C{n}",
                name=f"Caméra {n}",
                installed_on=day,
                night_vision=n % 2 == 0,
                coverage_radius_m=50 + n % 100,
                latitude=lat,
                longitude=lon,
            )
        )
        observations.append(
            FieldObservation(
                plan=plan,
                partner=owner,
                external_id=f"O{n}",
                people_count=1 + n % 9,
                source="patrol",
                observed_at=timezone.make_aware(dt.datetime.combine(day, dt.time(22, 0))),
                latitude=lat,
                longitude=lon,
            )
        )
        seizures.append(
            Seizure(
                plan=plan,
                partner=owner,
                external_id=f"S{n}",
                seized_on=day,
                substance="crack",
                quantity=Decimal("12.5"),
                unit="g",
            )
        )
        arrests.append(Arrest(plan=plan, partner=owner, external_id=f"A{n}", arrested_on=day, role="trafficker"))
    for n in range(3):  # a small count of convicted persons: suppressed for the roles that see it published
        convictions.append(
            Conviction(
                plan=plan,
                partner=site.partners["justice"],
                external_id=f"J{n}",
                convicted_on=start + dt.timedelta(days=n),
                pseudonym=f"{n:064d}",
            )
        )
    with auditlog_disabled():
        for model, rows in (
            (DealPoint, deal_points),
            (Camera, cameras),
            (FieldObservation, observations),
            (Seizure, seizures),
            (Arrest, arrests),
            (Conviction, convictions),
        ):
            model.objects.bulk_create(rows, batch_size=500)
    rollup.rebuild([plan.pk])  # bulk inserts bypass the roll-up: recompute it, as after any bulk load


@pytest.fixture
def site(db) -> Site:
    site = make_site()
    add_records(site, 10)
    return site


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
