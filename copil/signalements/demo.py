"""Demo signalements for `copil demo`: a few dozen per plan over its bilan period, in every status, with
realistic French descriptions that name no one, at the plan's known places (its located deal points and
field observations).

They go through the same paths as real ones: the deal points forwarded by the national reporting platform
through the intake importer (`intake.import_national_channel`, one file a report, as the platform forwards them),
the others through `actions.create_signalement`, then each moves through its lifecycle with the actions (taken in
hand, action engaged, resolved or closed), every step at its moment within the bilan period (the actions' `now`).
Deterministic (a seeded generator, client identifiers derived from the plan and the rank), and loading it again
adds nothing.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from copil.indicators.periods import Period
from copil.plans.models import Partner, Plan
from copil.records.models import DealPoint, FieldObservation

from . import actions
from .intake import import_national_channel
from .models import Category, Signalement

DEMO_NAMESPACE = uuid.UUID("5d3f0b8e-2c61-4b0a-9a8e-7e6f1d2c3b4a")

# category → (reporting partner roles, descriptions)
DESCRIPTIONS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "point_de_deal": (
        ("housing", "city"),
        (
            "Va-et-vient régulier devant l'entrée, guetteurs postés en fin d'après-midi.",
            "Transactions rapides observées près des boîtes aux lettres, plusieurs soirs de suite.",
            "Locataires inquiets : échanges de petits sachets au pied de l'immeuble.",
            "Deux jeunes font le guet à l'angle de la rue, clients en voiture qui s'arrêtent peu de temps.",
        ),
    ),
    "regroupement": (
        ("care", "city"),
        (
            "Une dizaine d'usagers regroupés sous l'abri, consommation visible en journée.",
            "Regroupement d'usagers en soirée près des bancs, matériel au sol.",
            "Groupe de cinq à six personnes installé depuis plusieurs jours, état sanitaire préoccupant.",
        ),
    ),
    "materiel": (
        ("city", "care"),
        (
            "Seringues et pipes à crack trouvées dans le massif, près de l'aire de jeux.",
            "Matériel de consommation usagé dans la cage d'escalier, à ramasser en sécurité.",
            "Kits usagés dans le local poubelles, agents de propreté à prévenir.",
        ),
    ),
    "occupation_hall": (
        ("housing",),
        (
            "Occupation du hall tous les soirs, portes forcées, locataires qui n'osent plus passer.",
            "Hall occupé la nuit, bruit et dégradations, interphone arraché.",
        ),
    ),
    "nuisance": (
        ("city", "housing"),
        (
            "Nuisances sonores tard le soir et déchets laissés sur place.",
            "Plaintes répétées des riverains : cris et allées et venues la nuit.",
        ),
    ),
    "squat": (
        ("housing", "city"),
        (
            "Appartement vacant squatté, porte fracturée, passages fréquents.",
            "Local commercial désaffecté occupé, traces de consommation.",
        ),
    ),
    "maraude": (
        ("care", "city"),
        (
            "Personne très affaiblie vue plusieurs jours au même endroit, besoin d'un passage de maraude.",
            "Usagers sans abri installés sous le porche, demande d'orientation vers le soin.",
        ),
    ),
}
WEIGHTS = {
    "point_de_deal": 5,
    "regroupement": 4,
    "materiel": 4,
    "occupation_hall": 3,
    "nuisance": 2,
    "squat": 1,
    "maraude": 2,
}
# Who acts on each category (responsible, informed), by partner role.
ROUTING = {
    "point_de_deal": (("police",), ("housing", "city")),
    "regroupement": (("care", "police"), ("city",)),
    "materiel": (("city",), ("care",)),
    "occupation_hall": (("police", "housing"), ()),
    "nuisance": (("city", "police"), ()),
    "squat": (("housing", "police"), ("city",)),
    "maraude": (("care",), ("city",)),
}
OUTCOMES = {
    "point_de_deal": "opération de police menée, point de deal démantelé",
    "regroupement": "passage de la maraude, orientation vers le CAARUD",
    "materiel": "matériel ramassé par les agents de propreté",
    "occupation_hall": "rondes de police et pose d'une porte sécurisée",
    "nuisance": "médiation avec les riverains, passages de la police municipale",
    "squat": "logement sécurisé par le bailleur",
    "maraude": "personne prise en charge par l'équipe mobile",
}
CLOSE_REASONS = ("doublon d'un signalement déjà traité", "rien constaté lors du passage")
NATIONAL_SHARE = 3  # one deal-point report in three comes from the national platform (address only, no point)


def _places(plan: Plan) -> list[tuple[str, Decimal, Decimal]]:
    """The plan's known places: its located deal points, then the addresses of its located field observations."""
    places: dict[str, tuple[Decimal, Decimal]] = {}
    located = {"plan": plan, "latitude__isnull": False, "longitude__isnull": False}
    for model in (DealPoint, FieldObservation):
        rows = model.objects.filter(**located).exclude(address="").order_by("address", "pk")
        for address, lat, lon in rows.values_list("address", "latitude", "longitude"):
            if address not in places and lat is not None and lon is not None:
                places[address] = (lat, lon)
    return [(address, lat, lon) for address, (lat, lon) in sorted(places.items())]


# Who reports a category when the plan has none of its usual reporters, in this order of preference.
FALLBACK_REPORTERS = ("city", "police", "care", "health", "housing", "justice")


def _partners(plan: Plan) -> dict[str, list[Partner]]:
    found: dict[str, list[Partner]] = {}
    for partner in Partner.objects.filter(plan=plan).order_by("code"):
        found.setdefault(partner.role, []).append(partner)
    return found


def _routing(plan: Plan, partners: dict[str, list[Partner]]) -> None:
    for code, (responsible, informed) in ROUTING.items():
        category = Category.objects.get(plan=plan, code=code)
        actions.set_routing_rule(
            plan,
            actor=None,
            category=category,
            territory=None,
            responsible=[p for role in responsible for p in partners.get(role, [])[:1]],
            informed=[p for role in informed for p in partners.get(role, [])[:1]],
        )


def add_demo_signalements(plan: Plan, period: Period, *, count: int = 36, today: dt.date | None = None) -> int:
    """Add the plan's demo signalements over the period (its days up to `today`); returns how many were added."""
    if Signalement.objects.filter(plan=plan, client_id__in=[_client_id(plan, n) for n in range(count)]).exists():
        return 0  # loaded already
    places = _places(plan)
    if not places:
        return 0
    today = today or timezone.localdate()
    last = min(period.end, today - dt.timedelta(days=1))
    span = (last - period.start).days
    if span < 30:
        return 0
    rng = random.Random(f"copil-demo-signalements-{plan.slug}")
    partners = _partners(plan)
    added = 0
    with transaction.atomic():
        actions.ensure_default_categories(plan)
        _routing(plan, partners)
        categories = {c.code: c for c in Category.objects.filter(plan=plan)}
        codes = list(WEIGHTS)
        national_rows: list[tuple[dt.datetime, str, str]] = []
        deal_reports = 0
        for rank in range(count):
            code = rng.choices(codes, weights=[WEIGHTS[c] for c in codes])[0]
            address, lat, lon = rng.choice(places)
            roles, texts = DESCRIPTIONS[code]
            created = timezone.make_aware(
                dt.datetime.combine(
                    period.start + dt.timedelta(days=rng.randrange(span)), dt.time(rng.randrange(8, 22), 0)
                )
            )
            if code == "point_de_deal":
                deal_reports += 1
                if deal_reports % NATIONAL_SHARE == 1:
                    national_rows.append((created, address, rng.choice(texts)))
                    continue
            # a plan without the category's usual reporters (Paris has no landlord nor city partner): a partner
            # on the ground reports it
            reporters = [p for role in roles for p in partners.get(role, [])] or [
                p for role in FALLBACK_REPORTERS for p in partners.get(role, [])
            ]
            signalement, created_now = actions.create_signalement(
                plan,
                actor=None,
                client_id=_client_id(plan, rank),
                category=categories[code],
                description=rng.choice(texts),
                observed_at=created - dt.timedelta(hours=rng.randrange(1, 6)),
                address=address,
                latitude=Decimal(lat) + Decimal(rng.randrange(-20, 21)) / Decimal(100000),
                longitude=Decimal(lon) + Decimal(rng.randrange(-20, 21)) / Decimal(100000),
                reporter_partner=reporters[rank % len(reporters)] if reporters else None,
                now=created,
            )
            added += int(created_now)
            _live(signalement, created, rng, last)
        for at, address, text in national_rows:
            row = f"{timezone.localtime(at):%Y-%m-%d %H:%M};{plan.territory.name};{address};{text}"
            content = f"date;commune;adresse;description\n{row}\n"
            report = import_national_channel(plan, content.encode(), actor=None, now=at)
            added += report.created
            _live(report.signalements[0], at, rng, last)
    return added


def _client_id(plan: Plan, rank: int) -> uuid.UUID:
    return uuid.uuid5(DEMO_NAMESPACE, f"{plan.slug}:{rank}")


def _live(signalement: Signalement, created: dt.datetime, rng: random.Random, last: dt.date) -> None:
    """Move the signalement through its lifecycle with the actions, each step at its moment after `created`
    (none after the end of the period's last day)."""
    end_of_period = timezone.make_aware(dt.datetime.combine(last, dt.time(23, 0)))
    age = end_of_period - created
    draw = rng.random()
    if age < dt.timedelta(days=3) or draw < 0.08:
        return  # still « nouveau »
    taken = min(created + dt.timedelta(hours=rng.randrange(3, 96)), end_of_period)
    actions.take_signalement(signalement, actor=None, now=taken)
    if age < dt.timedelta(days=10) or draw < 0.16:
        return  # « pris en charge »
    code = signalement.category.code
    if draw < 0.30:
        closed = min(taken + dt.timedelta(hours=rng.randrange(24, 240)), end_of_period)
        actions.close_without_action(signalement, actor=None, outcome=rng.choice(CLOSE_REASONS), now=closed)
        return
    engaged = min(taken + dt.timedelta(hours=rng.randrange(12, 240)), end_of_period)
    actions.engage_action(signalement, actor=None, note="intervention programmée", now=engaged)
    if draw < 0.40:
        return  # « action engagée »
    resolved = min(engaged + dt.timedelta(hours=rng.randrange(24, 480)), end_of_period)
    actions.resolve_signalement(signalement, actor=None, outcome=OUTCOMES[code], now=resolved)
