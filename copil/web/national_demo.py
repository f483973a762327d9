"""`copil demo --national N`: N small made-up plans spread over the départements, so that the territory tree
(/territoires/) can be tried at the scale of a national deployment. Populations and records are invented (a seeded
random stream); the plans are named « Démo nationale — <département> » so nobody mistakes them for real ones."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction

from copil.indicators import rollup, versions
from copil.plans.geography import DEPARTEMENTS, REGIONS
from copil.plans.models import Axis, Partner, Plan, Territory
from copil.records.models import Arrest, CareReferral, Conviction, DrugFine, Operation, Seizure

KINDS = ("operation", "seizure", "arrest", "drug_fine", "conviction", "care_referral")


def _territory(code: str, name: str, level: str, population: int | None, parent: Territory | None) -> Territory:
    territory, _created = Territory.objects.get_or_create(
        insee_code=code, defaults={"name": name, "level": level, "population": population, "parent": parent}
    )
    return territory


def create_national_demo(count: int, *, year: int, seed: int = 0) -> list[Plan]:
    """`count` plans over départements taken evenly from the list, each with a year of records (`year`), rolled up;
    run again, it adds nothing (plans are found by their slug)."""
    if count < 1:
        raise ValueError("Le nombre de plans doit être au moins 1.")
    codes = sorted(DEPARTEMENTS)
    picked = [codes[(k * len(codes)) // min(count, len(codes))] for k in range(min(count, len(codes)))]
    picked += [codes[k % len(codes)] for k in range(count - len(picked))]
    rng = random.Random(f"copil-national-{seed}")
    plans: list[Plan] = []
    first, days = dt.date(year, 1, 1), (dt.date(year, 12, 31) - dt.date(year, 1, 1)).days + 1
    with transaction.atomic():
        for k, code in enumerate(picked):
            slug = f"demo-national-{code.lower()}-{k}"
            existing = Plan.objects.filter(slug=slug).first()
            if existing is not None:
                plans.append(existing)
                continue
            name, region_code = DEPARTEMENTS[code]
            region = _territory(region_code, REGIONS[region_code], Territory.Level.REGION, None, None)
            departement = _territory(code, name, Territory.Level.DEPARTEMENT, None, region)
            territory = _territory(
                f"D{code}{k:03d}"[:10], f"{name} (démo {k + 1})", Territory.Level.AGGLOMERATION,
                rng.randrange(40_000, 600_000, 1_000), departement,
            )  # fmt: skip
            plan = Plan.objects.create(
                slug=slug, name=f"Démo nationale — {name} ({k + 1})", territory=territory, started_on=first
            )
            for position, (axis, label) in enumerate(Axis.Code.choices):
                Axis.objects.create(plan=plan, code=axis, title=str(label), position=position)
            police = Partner.objects.create(plan=plan, code="police", name=f"Police nationale — {name}", role="police")
            parquet = Partner.objects.create(plan=plan, code="parquet", name=f"Parquet — {name}", role="justice")
            care = Partner.objects.create(plan=plan, code="csapa", name=f"CSAPA — {name}", role="care")
            Partner.objects.create(plan=plan, code="prefecture", name=f"Préfecture — {name}", role="coordinator")

            def day() -> dt.date:
                return first + dt.timedelta(days=rng.randrange(days))

            size = rng.choice([0.2, 0.5, 1, 2, 4])
            Operation.objects.bulk_create(
                Operation(plan=plan, partner=police, external_id=f"OPE-{n}", occurred_on=day(), kind="public_road")
                for n in range(int(120 * size))
            )
            Seizure.objects.bulk_create(
                Seizure(
                    plan=plan,
                    partner=police,
                    external_id=f"SAI-{n}",
                    seized_on=day(),
                    substance=rng.choice(["cannabis", "cannabis", "cocaine", "heroin", "crack"]),
                    quantity=Decimal(rng.randrange(5, 5_000)) / 10,
                    unit="g",
                )
                for n in range(int(60 * size))
            )
            Arrest.objects.bulk_create(
                Arrest(plan=plan, partner=police, external_id=f"INT-{n}", arrested_on=day(), role="trafficker")
                for n in range(int(40 * size))
            )
            DrugFine.objects.bulk_create(
                DrugFine(plan=plan, partner=police, external_id=f"AFD-{n}", issued_on=day(), amount=Decimal(200))
                for n in range(int(150 * size))
            )
            # Few convictions and referrals in the small plans: the tree must suppress them.
            Conviction.objects.bulk_create(
                Conviction(
                    plan=plan, partner=parquet, external_id=f"CON-{n}", convicted_on=day(),
                    pseudonym=f"{k:032x}{n:032x}",
                )
                for n in range(rng.randrange(0, int(12 * size) + 2))
            )  # fmt: skip
            CareReferral.objects.bulk_create(
                CareReferral(
                    plan=plan, partner=care, external_id=f"ORI-{n}", referred_on=day(), destination="csapa",
                    pseudonym=f"{k + 1:032x}{n:032x}",
                )
                for n in range(rng.randrange(0, int(15 * size) + 2))
            )  # fmt: skip
            plans.append(plan)
        ids = [plan.pk for plan in plans]
        rollup.rebuild(ids)
        versions.bump(ids, *KINDS)
    return plans
