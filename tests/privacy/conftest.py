"""A plan with a care partner and a justice partner, and the referrals and convictions of a few persons."""

from __future__ import annotations

import datetime as dt

import pytest

from copil.access.audit import auditlog_disabled
from copil.privacy import rights
from copil.records.models import CareReferral, Conviction
from tests.factories import make_partner, make_plan

PERSONS = {
    "alice": ("Martin", "Alice", "02/03/1990"),
    "bruno": ("Durand", "Bruno", "15/07/1985"),
    "chloe": ("N'Diaye", "Chloé", "30/11/2001"),
}


def person_pseudonym(name: str, plan) -> str:
    """The person's pseudonym in the plan, as `copil.privacy.rights` computes it."""
    return rights.person_pseudonym(plan, rights.Identity(*PERSONS[name]))


@pytest.fixture
def person_plan(db):
    """A plan from 10 January 2023 to 31 December 2024 (a start within a month, as plan-relative periods have)."""
    plan = make_plan(slug="plan-rgpd", started_on=dt.date(2023, 1, 10), ended_on=dt.date(2024, 12, 31))
    care = make_partner(plan, role="care", code="csapa", name="CSAPA de l'Orne")
    justice = make_partner(plan, role="justice", code="parquet")
    referrals = [
        ("alice", dt.date(2022, 12, 15), "csapa"),  # before the plan: the baseline
        ("alice", dt.date(2023, 1, 20), "caarud"),
        ("alice", dt.date(2023, 5, 20), "csapa"),
        ("bruno", dt.date(2023, 3, 10), "hospital"),
        ("bruno", dt.date(2024, 8, 1), "csapa"),
        ("chloe", dt.date(2023, 4, 11), "shelter"),
    ]
    convictions = [("alice", dt.date(2023, 2, 14), True), ("bruno", dt.date(2024, 3, 29), False)]
    with auditlog_disabled():
        for n, (name, day, destination) in enumerate(referrals, 1):
            CareReferral.objects.create(
                plan=plan,
                partner=care,
                external_id=f"OR-{n}",
                referred_on=day,
                destination=destination,
                pseudonym=person_pseudonym(name, plan),
                outcome="admitted",
            )
        for n, (name, day, repeat) in enumerate(convictions, 1):
            Conviction.objects.create(
                plan=plan,
                partner=justice,
                external_id=f"CD-{n}",
                convicted_on=day,
                pseudonym=person_pseudonym(name, plan),
                sentence="6 mois avec sursis, dossier 2023/118",
                repeat_offender=repeat,
            )
    return plan
