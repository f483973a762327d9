"""The policy's own functions, and the channels that exist besides records: the bilan pages, the plan admin."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from copil.access import policy
from copil.access.models import AuditEvent
from copil.indicators.catalogue import get_catalogue
from copil.plans.models import Action, Membership
from copil.records.actions import create_record

from .conftest import sample


def test_roles_and_partners(world):
    police = world.users["police"]
    assert policy.user_role(police, world.plan) == "police"
    assert policy.user_role(police, world.foreign_plan) == "public"
    assert policy.user_role(None, world.plan) == "public"
    assert list(policy.user_partners(police)) == [world.partners["police-1"]]
    assert set(policy.visible_plans(police)) == {world.plan}
    assert set(policy.visible_plans(world.users["superuser"])) == {world.plan, world.foreign_plan}
    assert not policy.visible_plans(world.users["public"]).exists()


def test_require_names_what_is_refused_in_french(world):
    with pytest.raises(PermissionDenied) as refused:
        policy.require(world.users["police"], "read", "care_referral", world.partners["care-1"])
    assert str(refused.value) == "Vous n'êtes pas autorisé(e) à consulter ces orientations vers le soin."


def test_a_superuser_sees_referrals_only_as_a_member_of_a_care_partner(world):
    admin = world.users["superuser"]
    care = world.partners["care-1"]
    create_record(None, "care_referral", plan=world.plan, partner=care, data=sample("care_referral", care, "R"))
    assert not policy.visible_records(admin, "care_referral").exists()
    Membership.objects.create(user=admin, partner=care)
    policy.forget(admin)
    assert policy.visible_records(admin, "care_referral").count() == 1
    assert policy.can(admin, "update", "care_referral", care)
    assert not policy.can(admin, "update", "care_referral", world.partners["care-2"])


def test_inactive_users_and_deactivated_memberships_grant_nothing(world):
    police = world.users["police"]
    Membership.objects.filter(user=police).update(deactivated_at="2024-01-01T00:00:00Z")
    policy.forget(police)
    assert not policy.can(police, "read", "seizure")
    city = world.partners["city-1"]
    create_record(None, "camera", plan=world.plan, partner=city, data=sample("camera", city, "C"))
    assert policy.visible_records(world.users["city"], "camera").count() == 1
    world.users["city"].is_active = False
    assert not policy.visible_records(world.users["city"], "camera").exists()


def test_creatable_partners(world):
    assert set(policy.creatable_partners(world.users["police"], "seizure")) == {world.partners["police-1"]}
    coordinator_choices = set(policy.creatable_partners(world.users["coordinator"], "agreement"))
    assert coordinator_choices == set(world.plan.partners.all())
    assert not policy.creatable_partners(world.users["coordinator"], "seizure").exists()


def test_aggregate_rules_follow_the_table(world):
    catalogue = get_catalogue()
    convicted, seizures = catalogue["convicted_persons"], catalogue["seizure_mass"]
    assert policy.aggregate_rule(world.users["justice"], convicted, plan=world.plan).exact
    assert policy.aggregate_rule(world.users["care"], convicted, plan=world.plan).suppress
    assert policy.aggregate_rule(world.users["police"], convicted).suppress  # without a plan: the user's plans
    assert policy.aggregate_rule(None, seizures).exact  # not sensitive: published as is
    rule = policy.aggregate_rule(None, convicted)
    assert rule.visible and rule.suppress and rule.threshold == 5


def test_the_policy_tables_cover_every_role_and_kind():
    for table in (policy.RECORD_POLICY, policy.PLAN_OBJECT_POLICY):
        assert set(table) == {*policy.ROLES, policy.SUPERUSER}
    assert all(set(policy.RECORD_POLICY[r]) == set(policy.RECORD_POLICY["police"]) for r in policy.RECORD_POLICY)
    with pytest.raises(ValueError):
        policy._parse_table("kind coordinator\nseizure R", ["seizure"])


# --- The bilan pages --------------------------------------------------------------------------------------------


def test_the_bilan_needs_a_login_and_the_published_versions_do_not(world):
    url = f"/plans/{world.plan.slug}/bilan/"
    versions = f"/plans/{world.plan.slug}/bilans/"
    assert "/compte/connexion/" in Client().get(url).url
    assert Client().get(f"{versions}1/").status_code == 404  # nothing published yet
    from copil.reports.actions import publish_bilan

    publish_bilan(None, plan=world.plan, period=_year())
    assert Client().get(f"{versions}1/").status_code == 200
    assert Client().get(f"{url}publie/")["Location"] == versions
    assert "/compte/connexion/" in Client().get(f"{url}csv/").url
    assert Client().get(f"{url}csv/", {"publie": "1"})["Location"] == versions
    assert not AuditEvent.objects.filter(action__in=["bilan", "export"]).exists(), "anonymous readers"


def _year():
    import datetime as dt

    from copil.indicators.periods import Period

    return Period(dt.date(2023, 1, 1), dt.date(2023, 12, 31))


@pytest.mark.parametrize(("role", "published"), [("coordinator", False), ("superuser", False), ("police", True)])
def test_each_member_gets_the_variant_the_policy_grants_and_it_is_audited(world, role, published):
    client = Client()
    client.force_login(world.users[role])
    assert client.get(f"/plans/{world.plan.slug}/bilan/", {"periode": "2023"}).status_code == 200
    assert client.get(f"/plans/{world.plan.slug}/bilan/csv/", {"periode": "2023"}).status_code == 200
    bilan = AuditEvent.objects.get(action="bilan")
    export = AuditEvent.objects.get(action="export")
    assert bilan.details["published"] is published and export.details["published"] is published
    assert bilan.actor == world.users[role] and bilan.plan == world.plan and export.details["format"] == "csv"


# --- The plan admin ---------------------------------------------------------------------------------------------


def test_the_plan_admin_follows_the_policy(world):
    action = Action.objects.create(plan=world.plan, owner=world.partners["police-1"], title="Fermer le square")
    foreign_action = Action.objects.create(plan=world.foreign_plan, owner=world.partners["police-b"], title="Autre")
    police, coordinator = Client(), Client()
    police.force_login(world.users["police"])
    coordinator.force_login(world.users["coordinator"])
    listing = police.get("/admin/plans/action/").content.decode()
    assert "Fermer le square" in listing and "Autre" not in listing
    assert police.get("/admin/plans/action/add/").status_code == 403
    # The owner updates the progress of its action, not its title.
    data = {"status": "in_progress", "due_on": "", "done_on": ""}
    assert police.post(f"/admin/plans/action/{action.pk}/change/", data).status_code == 302
    action.refresh_from_db()
    assert action.status == "in_progress" and action.title == "Fermer le square"
    assert police.post(f"/admin/plans/action/{action.pk}/delete/", {"post": "yes"}).status_code == 403
    assert coordinator.get(f"/admin/plans/action/{foreign_action.pk}/change/").status_code == 302  # not found
    assert coordinator.post(f"/admin/plans/action/{action.pk}/delete/", {"post": "yes"}).status_code == 302
    assert not Action.objects.filter(pk=action.pk).exists()
    assert Client().get("/admin/plans/action/").status_code == 302
    public = Client()
    public.force_login(world.users["public"])
    assert public.get("/admin/plans/plan/").status_code == 403
