"""Fixtures of the access tests: a world of two plans with two partners of every role in the first and one in
the second, and one staff user per role; and the matrix's pass count printed at the end of the session."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from django.contrib.auth import get_user_model

from copil.access.audit import auditlog_disabled
from copil.plans.models import Membership, Partner, Plan
from copil.records.models import RECORD_KINDS
from tests.factories import RECORD_DAY, make_partner, make_plan, required_record_fields

ROLES = [role.value for role in Partner.Role]
SUPERUSER = "superuser"
ALL_ROLES = [*ROLES, SUPERUSER]


@dataclass
class World:
    plan: Plan
    foreign_plan: Plan
    partners: dict[str, Partner]  # "police-1", "police-2" in plan, "police-b" in foreign_plan
    users: dict[str, object]  # role -> user (member of "<role>-1"); "superuser" has no membership


@dataclass
class MatrixStats:
    cells: int = 0
    passed: int = 0
    by_channel: dict[str, list[int]] = field(default_factory=dict)

    def add(self, channel: str, ok: bool) -> None:
        self.cells += 1
        self.passed += ok
        counts = self.by_channel.setdefault(channel, [0, 0])
        counts[0] += 1
        counts[1] += ok


MATRIX = MatrixStats()


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if MATRIX.cells:
        channels = ", ".join(f"{name}: {ok}/{total}" for name, (total, ok) in MATRIX.by_channel.items())
        terminalreporter.write_sep("=", "access matrix")
        terminalreporter.write_line(
            f"access matrix: {MATRIX.cells} cells (role × record kind × action × target × channel), "
            f"{MATRIX.passed} passed, {MATRIX.cells - MATRIX.passed} failed — {channels}"
        )


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def build_world() -> World:
    with auditlog_disabled():
        plan = make_plan(slug="plan-a", name="Plan A")
        foreign = make_plan(slug="plan-b", name="Plan B")
        partners: dict[str, Partner] = {}
        for role in ROLES:
            for suffix in ("1", "2"):
                partners[f"{role}-{suffix}"] = make_partner(plan, role=role, code=f"{role}-{suffix}")
            partners[f"{role}-b"] = make_partner(foreign, role=role, code=f"{role}-b")
        users = {}
        user_model = get_user_model()
        for role in ROLES:
            user = user_model.objects.create_user(f"{role}-user", f"{role}@example.fr", None, is_staff=True)
            Membership.objects.create(partner=partners[f"{role}-1"], user=user)
            users[role] = user
        users[SUPERUSER] = user_model.objects.create_superuser("admin-user", "admin@example.fr", None)
    return World(plan, foreign, partners, users)


def delete_world(world: World) -> None:
    """Undo `build_world` (and any record left in its plans), for worlds built once per module outside the
    tests' transactions."""
    with auditlog_disabled():
        for model in RECORD_KINDS.values():
            model.objects.filter(plan__in=[world.plan, world.foreign_plan]).delete()
        territories = [world.plan.territory, world.foreign_plan.territory]
        for plan in (world.plan, world.foreign_plan):
            plan.delete()
        for territory in territories:
            territory.delete()
        for user in world.users.values():
            user.delete()


@pytest.fixture
def world(db) -> World:
    return build_world()


def sample(kind: str, partner: Partner, external_id: str) -> dict:
    """Valid field values of a record of `kind` (no reference to other records, parties in the partner's plan)."""
    extras = {
        "network": {"identified_on": RECORD_DAY},
        "operation": {"staff_engaged": 12},
        "conviction": {"repeat_offender": True},
        "camera": {"name": "Caméra", "night_vision": True},
        "prevention_action": {"people_reached": 30},
        "care_referral": {"outcome": "pending"},
        "eviction_procedure": {"outcome": "pending"},
        "field_observation": {"address": "Place de la gare"},
        "agreement": {"parties": [partner]},
        "drug_fine": {"status": "paid", "address": "Place de la gare"},
        "weapon_seizure": {"quantity": 2, "rounds": 12},
        "care_activity": {
            "active_file": 120,
            "passages": 900,
            "supervised_consumptions": 0,
            "crack_kits": 400,
            "syringes": 300,
            "overdoses": 2,
            "people_housed": 6,
        },
    }
    return {"external_id": external_id, **required_record_fields(kind), **extras.get(kind, {})}
