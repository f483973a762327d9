import datetime as dt
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from copil.plans.models import Membership
from copil.signalements import actions
from tests.factories import make_partner, make_plan


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    from django.utils.functional import empty

    from copil.signalements.models import private_storage

    settings.COPIL_PRIVATE_MEDIA_ROOT = tmp_path / "private-media"
    private_storage._wrapped = empty  # the lazy storage reads the new root at its next use
    yield
    private_storage._wrapped = empty


def member(partner, name):
    user = get_user_model().objects.create_user(name, f"{name}@example.fr", None)
    Membership.objects.create(partner=partner, user=user)
    return user


@pytest.fixture
def world(db):
    plan = make_plan()
    categories = {c.code: c for c in actions.ensure_default_categories(plan)}
    partners = {role: make_partner(plan, role) for role in ("coordinator", "police", "housing", "care", "city")}
    users = {role: member(partner, f"{role}-{plan.pk}") for role, partner in partners.items()}
    outsider = get_user_model().objects.create_user(f"outsider-{plan.pk}", "out@example.fr", None)
    actions.set_routing_rule(
        plan,
        actor=users["coordinator"],
        category=categories["occupation_hall"],
        responsible=[partners["police"]],
        informed=[partners["city"]],
    )
    return SimpleNamespace(plan=plan, categories=categories, partners=partners, users=users, outsider=outsider)


def new_signalement(world, reporter="housing", category="occupation_hall", **fields):
    import uuid

    values = {
        "client_id": uuid.uuid4(),
        "category": category,
        "description": "deux hommes, hall B",
        "observed_at": timezone.now() - dt.timedelta(hours=1),
        "address": "12 rue Riquet",
    }
    values.update(fields)
    return actions.create_signalement(world.plan, actor=world.users[reporter], **values)
