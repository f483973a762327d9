"""The rights of the persons recorded: search by identity, access, rectification, restriction, erasure."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied

from copil.access.audit import auditlog_disabled
from copil.access.models import AuditEvent
from copil.plans.models import Membership
from copil.privacy.models import DataProtectionOfficer
from copil.privacy.purge import ANONYMOUS_PREFIX
from copil.privacy.rights import (
    Identity,
    erase_person,
    export_person,
    lift_restriction,
    rectify_record,
    restrict_person,
    search_person,
)
from copil.records.actions import update_record
from copil.records.models import CareReferral, Conviction
from tests.factories import make_partner, make_plan, make_record

from .conftest import PERSONS, person_pseudonym

ALICE = Identity(*PERSONS["alice"])


def _member(partner, username):
    user = get_user_model().objects.create_user(username, f"{username}@example.fr", None)
    Membership.objects.create(partner=partner, user=user)
    return user


@pytest.fixture
def officer(person_plan):
    prefecture = make_partner(person_plan, role="coordinator", code="prefecture")
    user = _member(prefecture, "dpo")
    DataProtectionOfficer.objects.create(plan=person_plan, user=user)
    return user


@pytest.fixture
def other_plan_alice(person_plan):
    """Alice referred to care in another plan too."""
    plan = make_plan(slug="autre-plan")
    care = make_partner(plan, role="care", code="csapa-b")
    with auditlog_disabled():
        CareReferral.objects.create(
            plan=plan,
            partner=care,
            external_id="B-1",
            referred_on=dt.date(2024, 1, 5),
            destination="csapa",
            pseudonym=person_pseudonym("alice", plan),
        )
    return plan


def _events_since(pk):
    return list(AuditEvent.objects.filter(pk__gt=pk).order_by("pk"))


def _last_pk():
    return AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def test_the_search_finds_the_persons_records_in_the_plan_and_nothing_in_another(
    person_plan, officer, other_plan_alice
):
    mark = _last_pk()
    found = search_person(officer, person_plan, Identity("MARTIN", "alice", "1990-03-02"))
    assert {kind: [r.external_id for r in records] for kind, records in found.by_kind.items() if records} == {
        "care_referral": ["OR-1", "OR-2", "OR-3"],
        "conviction": ["CD-1"],
    }
    assert search_person(officer, person_plan, Identity("Martin", "Alice", "03/02/1990")).count == 0
    with pytest.raises(PermissionDenied):  # officer of the first plan only
        search_person(officer, other_plan_alice, ALICE)
    (event,) = _events_since(mark)[:1]
    assert event.details["privacy"] == "search" and event.actor == officer
    text = json.dumps([e.details for e in _events_since(mark)])
    assert "Martin" not in text and person_pseudonym("alice", person_plan) not in text


def test_the_search_covers_the_penal_chain_and_the_administrative_measures(person_plan, officer):
    """Issue 14: every kind that may carry the person's pseudonym, person-level or not."""
    alice = person_pseudonym("alice", person_plan)
    parquet, prefecture = (person_plan.partners.get(code=code) for code in ("parquet", "prefecture"))
    make_record("penal_step", parquet, external_id="PEN-1", pseudonym=alice)
    make_record("administrative_measure", prefecture, external_id="MES-1", pseudonym=alice)
    make_record("administrative_measure", prefecture, external_id="MES-2", measure="shop_closure", pseudonym="")

    found = search_person(officer, person_plan, ALICE)

    assert [r.external_id for r in found.by_kind["penal_step"]] == ["PEN-1"]
    assert [r.external_id for r in found.by_kind["administrative_measure"]] == ["MES-1"]


def test_a_coordinator_without_the_designation_is_refused(person_plan, officer):
    coordinator = _member(officer.membership_set.get().partner, "prefet")
    with pytest.raises(PermissionDenied):
        search_person(coordinator, person_plan, ALICE)
    DataProtectionOfficer.objects.create(plan=person_plan, user=coordinator)
    Membership.objects.filter(user=coordinator).update(deactivated_at=dt.datetime.now(dt.UTC))
    coordinator = get_user_model().objects.get(pk=coordinator.pk)
    with pytest.raises(PermissionDenied):  # a former member keeps no right
        search_person(coordinator, person_plan, ALICE)


def test_access_exports_the_persons_records(person_plan, officer):
    document = json.loads(export_person(officer, person_plan, ALICE))
    assert [(r["nature"], r["champs"]["identifiant du partenaire"]) for r in document["enregistrements"]] == [
        ("orientation vers le soin", "OR-1"),
        ("orientation vers le soin", "OR-2"),
        ("orientation vers le soin", "OR-3"),
        ("condamnation", "CD-1"),
    ]
    assert AuditEvent.objects.order_by("-pk").first().details["privacy"] == "access"


def test_rectification_corrects_one_of_the_persons_records(person_plan, officer):
    record = CareReferral.objects.get(external_id="OR-2")
    rectify_record(officer, person_plan, ALICE, record, {"outcome": "declined"}, expected_version=record.version)
    record.refresh_from_db()
    assert (record.outcome, record.version) == ("declined", 2)
    assert AuditEvent.objects.order_by("-pk").first().details == {
        "privacy": "rectification",
        "kind": "care_referral",
        "record": record.pk,
        "fields": ["outcome"],
    }
    bruno = CareReferral.objects.get(external_id="OR-4")
    with pytest.raises(PermissionDenied):
        rectify_record(officer, person_plan, ALICE, bruno, {"outcome": "declined"}, expected_version=1)


def test_a_restricted_record_is_changed_by_no_usual_channel_until_lifted(person_plan, officer):
    care_user = _member(CareReferral.objects.get(external_id="OR-1").partner, "csapa-user")
    assert restrict_person(officer, person_plan, ALICE, reason="contestation") == 4
    record = CareReferral.objects.get(external_id="OR-1")
    with pytest.raises(PermissionDenied, match="restricted|limité"):
        update_record(care_user, record, {"outcome": "lost"}, expected_version=record.version)
    assert erase_person(officer, person_plan, ALICE) == 0  # restricted: kept as it is
    assert lift_restriction(officer, person_plan, ALICE) == 4
    update_record(care_user, record, {"outcome": "lost"}, expected_version=record.version)


def test_erasure_anonymises_the_persons_records(person_plan, officer):
    assert erase_person(officer, person_plan, ALICE) == 4
    assert not CareReferral.objects.filter(pseudonym=person_pseudonym("alice", person_plan)).exists()
    assert not Conviction.objects.filter(pseudonym=person_pseudonym("alice", person_plan)).exists()
    assert CareReferral.objects.filter(external_id__startswith=ANONYMOUS_PREFIX).count() == 3
    assert search_person(officer, person_plan, ALICE).count == 0
    assert CareReferral.objects.filter(pseudonym=person_pseudonym("bruno", person_plan)).count() == 2


def _page(client, plan, **data):
    identity = {"last_name": "Martin", "first_name": "Alice", "birth_date": "02/03/1990"}
    return client.post(f"/protection-des-donnees/{plan.slug}/personne/", {**identity, **data}, follow=True)


def test_the_page_finds_exports_corrects_and_erases(client, person_plan, officer):
    client.force_login(officer)
    page = _page(client, person_plan, step="search").content.decode()
    assert "4 enregistrements" in page and "OR-3" in page and "OR-4" not in page
    exported = _page(client, person_plan, step="export")
    assert exported["Content-Disposition"].startswith("attachment")
    assert len(json.loads(exported.content)["enregistrements"]) == 4
    record = CareReferral.objects.get(external_id="OR-3")
    ref = {"record": f"care_referral:{record.pk}", "version": record.version}
    refused = _page(client, person_plan, step="rectify", field="referred_on", value="31/02/2023", **ref)
    assert "Correction refusée, champ « date »" in refused.content.decode()
    _page(client, person_plan, step="rectify", field="referred_on", value="21/05/2023", **ref)
    record.refresh_from_db()
    assert record.referred_on == dt.date(2023, 5, 21)
    stale = _page(client, person_plan, step="rectify", field="outcome", value="lost", **ref)
    assert "Conflit" in stale.content.decode()
    conviction = Conviction.objects.get(external_id="CD-1")
    ref = {"record": f"conviction:{conviction.pk}", "version": conviction.version}
    _page(client, person_plan, step="rectify", field="repeat_offender", value="non", **ref)
    conviction.refresh_from_db()
    assert conviction.repeat_offender is False
    page = _page(client, person_plan, step="erase").content.decode()
    assert "Cochez la case de confirmation" in page and "21/05/2023" in page and "non" in page  # nothing erased
    erased = _page(client, person_plan, step="erase", confirm="1").content.decode()
    assert "4 enregistrements anonymisés" in erased and "0 enregistrement" in erased
