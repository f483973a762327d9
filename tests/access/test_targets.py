"""Plan targets in the admin: the plan's coordinators set them, other members read them, nobody else sees them."""

from django.test import Client

from copil.access.models import AuditEvent
from copil.plans.models import Target


def _client(world, role: str) -> Client:
    client = Client()
    client.force_login(world.users[role])
    return client


def test_a_coordinator_sets_a_target_for_its_plan_only(world):
    coordinator = _client(world, "coordinator")
    form = {"plan": world.plan.pk, "indicator": "cameras_in_service", "value": "80", "direction": "up", "note": ""}
    response = coordinator.post("/admin/plans/target/add/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    target = Target.objects.get()
    assert (target.plan, target.indicator, target.value) == (world.plan, "cameras_in_service", 80)
    assert AuditEvent.objects.filter(object_type="plans.target", action="create").exists()
    unknown = coordinator.post("/admin/plans/target/add/", {**form, "indicator": "cameras"})
    assert unknown.status_code == 200 and "Sélectionnez un choix valide" in unknown.content.decode()
    foreign = coordinator.post("/admin/plans/target/add/", {**form, "plan": world.foreign_plan.pk})
    assert foreign.status_code == 200 and Target.objects.count() == 1


def test_other_members_read_targets_and_cannot_change_them(world):
    target = Target.objects.create(plan=world.plan, indicator="arrests", value=40)
    police = _client(world, "police")
    assert police.get(f"/admin/plans/target/{target.pk}/change/").status_code == 200
    police.post(f"/admin/plans/target/{target.pk}/change/", {"plan": world.plan.pk, "indicator": "arrests",
                                                              "value": "1", "direction": "up"})  # fmt: skip
    target.refresh_from_db()
    assert target.value == 40
    assert police.post("/admin/plans/target/add/", {"plan": world.plan.pk}).status_code == 403
    outsider = Target.objects.create(plan=world.foreign_plan, indicator="arrests", value=3)
    assert police.get(f"/admin/plans/target/{outsider.pk}/change/").status_code in {302, 404}
