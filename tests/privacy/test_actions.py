"""Designating data protection officers and setting a plan's retention: policy checked, audited."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError

from copil.access.models import AuditEvent
from copil.plans.models import Membership
from copil.privacy.actions import designate_officer, revoke_officer, set_plan_retention
from copil.privacy.models import DataProtectionOfficer, PlanRetention
from tests.factories import make_partner


@pytest.fixture
def people(person_plan):
    users = get_user_model().objects
    admin = users.create_superuser("admin", "admin@example.fr", None)
    coordinator = users.create_user("prefet", "prefet@example.fr", None)
    Membership.objects.create(partner=make_partner(person_plan, role="coordinator", code="pref"), user=coordinator)
    return admin, coordinator


def _last_event():
    return AuditEvent.objects.order_by("-pk").first()


def test_only_administrators_designate_officers_and_it_is_audited(person_plan, people):
    admin, coordinator = people
    with pytest.raises(PermissionDenied):
        designate_officer(coordinator, person_plan, coordinator)  # nobody grants themselves the identity search
    officer = designate_officer(admin, person_plan, coordinator)
    event = _last_event()
    assert (event.action, event.object_type, event.plan_id, event.actor) == (
        "create",
        "privacy.dataprotectionofficer",
        person_plan.pk,
        admin,
    )
    revoke_officer(admin, officer)
    assert not DataProtectionOfficer.objects.exists()
    assert _last_event().action == "delete"


def test_the_plans_officer_sets_its_retention_within_the_bounds(person_plan, people):
    admin, coordinator = people
    with pytest.raises(PermissionDenied):
        set_plan_retention(coordinator, person_plan, "care_referral", 24)
    designate_officer(admin, person_plan, coordinator)
    with pytest.raises(ValidationError):
        set_plan_retention(coordinator, person_plan, "care_referral", 120)
    assert not PlanRetention.objects.exists()
    set_plan_retention(coordinator, person_plan, "care_referral", 24)
    set_plan_retention(coordinator, person_plan, "care_referral", 48)
    assert PlanRetention.objects.get().months == 48
    event = _last_event()
    assert (event.action, event.before["months"], event.after["months"]) == ("update", 24, 48)
    set_plan_retention(coordinator, person_plan, "care_referral", None)
    assert not PlanRetention.objects.exists()


def test_the_admin_designates_through_the_action(client, person_plan, people):
    admin, coordinator = people
    client.force_login(admin)
    response = client.post(
        "/admin/privacy/dataprotectionofficer/add/", {"plan": person_plan.pk, "user": coordinator.pk}
    )
    assert response.status_code == 302
    assert _last_event().object_type == "privacy.dataprotectionofficer"
    client.force_login(coordinator)
    assert client.get("/admin/privacy/dataprotectionofficer/add/").status_code in {302, 403}
