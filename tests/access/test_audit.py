"""The audit trail: every mutation path leaves an entry; no entry can be changed or removed by any channel."""

import ast
import datetime as dt
import importlib
import io
from decimal import Decimal
from pathlib import Path

import pytest
from auditlog.models import LogEntry
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.test import Client

from copil.access.audit import events_for, record_bulk_changes, record_event
from copil.access.models import AuditEvent, AuditTrailIsAppendOnly
from copil.imports.importer import import_records
from copil.plans.models import Meeting
from copil.records.actions import create_record, delete_record, update_record
from copil.records.models import Seizure

from .conftest import sample

A = AuditEvent.Action


def _seizure(world, actor=None, external_id="S-1"):
    partner = world.partners["police-1"]
    return create_record(
        actor, "seizure", plan=world.plan, partner=partner, data=sample("seizure", partner, external_id)
    )


def test_record_actions_leave_create_update_delete_entries_with_before_and_after(world):
    police = world.users["police"]
    record = _seizure(world, police)
    update_record(police, record, {"quantity": "20.000"}, expected_version=1)
    delete_record(police, record, expected_version=2)
    create, update, delete = events_for(record)
    assert [create.action, update.action, delete.action] == [A.CREATE, A.UPDATE, A.DELETE]
    assert {e.actor_id for e in (create, update, delete)} == {police.pk}
    assert {e.plan_id for e in (create, update, delete)} == {world.plan.pk}
    assert {e.partner_id for e in (create, update, delete)} == {world.partners["police-1"].pk}
    assert create.before is None and create.after["quantity"] == "12.500" and create.after["version"] == 1
    assert update.before["quantity"] == "12.500" and update.after["quantity"] == "20.000"
    assert update.after["version"] == 2
    assert delete.before["quantity"] == "20.000" and delete.after is None
    assert not LogEntry.objects.exists(), "actions record their own event; django-auditlog must not double it"


def test_a_system_actor_is_recorded_as_such(world):
    record = _seizure(world, None)
    (event,) = events_for(record)
    assert event.actor is None and event.actor_label == "système" and event.channel == "system"


def test_deleting_a_record_audits_the_links_it_clears(world):
    police, partner = world.users["police"], world.partners["police-1"]
    point = create_record(
        police, "deal_point", plan=world.plan, partner=partner, data=sample("deal_point", partner, "P")
    )
    operation = create_record(
        police,
        "operation",
        plan=world.plan,
        partner=partner,
        data={**sample("operation", partner, "O"), "deal_point": point},
    )
    delete_record(police, point)
    operation.refresh_from_db()
    assert operation.deal_point_id is None and operation.version == 2
    unlinked = events_for(operation)[-1]
    assert unlinked.action == A.UPDATE and unlinked.before["deal_point_id"] == point.pk
    assert unlinked.after["deal_point_id"] is None


def test_admin_add_change_delete_are_audited_with_the_admin_channel(world):
    client = Client()
    police = world.users["police"]
    client.force_login(police)
    data = {
        "plan": world.plan.pk,
        "partner": world.partners["police-1"].pk,
        "external_id": "ADM-1",
        "seized_on": "2024-03-01",
        "substance": "cannabis",
        "quantity": "3.5",
        "unit": "kg",
    }
    assert client.post("/admin/records/seizure/add/", data).status_code == 302
    record = Seizure.objects.get(external_id="ADM-1")
    change = {**data, "quantity": "4.5", "expected_version": 1}
    del change["plan"], change["partner"]
    assert client.post(f"/admin/records/seizure/{record.pk}/change/", change).status_code == 302
    assert client.post(f"/admin/records/seizure/{record.pk}/delete/", {"post": "yes"}).status_code == 302
    events = events_for(record)
    assert [e.action for e in events] == [A.CREATE, A.UPDATE, A.DELETE]
    assert {e.channel for e in events} == {"admin"} and {e.actor_id for e in events} == {police.pk}
    assert events[1].before["quantity"] == "3.500" and events[1].after["quantity"] == "4.500"
    assert events[0].ip == "127.0.0.1"


def test_plan_objects_changed_in_the_admin_are_captured_through_auditlog(world):
    client = Client()
    coordinator = world.users["coordinator"]
    client.force_login(coordinator)
    response = client.post(
        "/admin/plans/meeting/add/",
        {
            "plan": world.plan.pk,
            "held_on": "2024-05-02",
            "title": "COPIL de mai",
            "place": "Préfecture",
            "decisions-TOTAL_FORMS": "0",
            "decisions-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    meeting = Meeting.objects.get(title="COPIL de mai")
    (event,) = events_for(meeting)
    assert event.action == A.CREATE and event.actor_id == coordinator.pk and event.plan_id == world.plan.pk
    assert event.after["title"] == "COPIL de mai" and event.details["source"] == "auditlog"
    # A plain ORM save outside any channel is captured too (actor: the system).
    meeting.title = "COPIL de juin"
    meeting.save()
    update = events_for(meeting)[-1]
    assert update.action == A.UPDATE and update.actor_label == "système"
    assert update.before == {"title": "COPIL de mai"} and update.after == {"title": "COPIL de juin"}


def test_login_and_failed_login_are_audited_without_the_password(world):
    user = world.users["police"]
    user.set_password("Un-mot-de-passe-solide-42")
    user.save()
    client = Client()
    response = client.post("/compte/connexion/", {"username": user.username, "password": "mauvais-mot-de-passe-77"})
    assert response.status_code == 200
    assert client.post("/compte/connexion/", {"username": user.username, "password": "Un-mot-de-passe-solide-42"})
    failed = AuditEvent.objects.get(action=A.LOGIN_FAILED)
    assert failed.actor_label == user.username and failed.ip == "127.0.0.1"
    login = AuditEvent.objects.get(action=A.LOGIN)
    assert login.actor_id == user.pk
    dump = io.StringIO()
    call_command("dumpdata", "access", "auditlog", stdout=dump)
    assert "mauvais-mot-de-passe-77" not in dump.getvalue() and "Un-mot-de-passe-solide-42" not in dump.getvalue()
    assert user.password not in dump.getvalue(), "not even the hash"


def test_bulk_changes_hook_records_one_summary_and_one_entry_per_row(world):
    partner = world.partners["police-1"]
    created = [
        Seizure.objects.create(plan=world.plan, partner=partner, **sample("seizure", partner, f"B{i}"))
        for i in range(3)
    ]
    before = {"id": created[0].pk, "quantity": "12.500"}
    after = {"id": created[0].pk, "quantity": "13.000"}
    summary = record_bulk_changes(
        None,
        Seizure,
        created=created,
        updated=[(before, after)],
        plan=world.plan,
        partner=partner,
        details={"file": "saisies.csv"},
    )
    assert summary.action == A.IMPORT and summary.details["created"] == 3 and summary.details["file"] == "saisies.csv"
    rows = AuditEvent.objects.filter(details__batch=summary.pk)
    assert rows.filter(action=A.CREATE).count() == 3 and rows.filter(action=A.UPDATE).count() == 1
    assert rows.get(action=A.UPDATE).before["quantity"] == "12.500"
    assert all(r.plan_id == world.plan.pk and r.partner_id == partner.pk for r in rows)


def test_import_leaves_an_entry_per_record(world):
    partner = world.partners["police-1"]
    csv = "identifiant;date;substance;quantite;unite\nIMP-1;01/03/2024;cannabis;2;kg\n"
    import_records(io.StringIO(csv), plan=world.plan, partner=partner, kind="seizure", file_name="saisies.csv")
    record = Seizure.objects.get(external_id="IMP-1")
    assert AuditEvent.objects.filter(action=A.IMPORT, plan=world.plan).exists()
    assert [e.action for e in events_for(record)] == [A.CREATE]
    changed = csv.replace(";2;kg", ";3;kg")
    import_records(io.StringIO(changed), plan=world.plan, partner=partner, kind="seizure", file_name="saisies.csv")
    update = events_for(record)[-1]
    assert update.action == A.UPDATE and update.actor_label == "système"
    assert Decimal(update.before["quantity"]) == 2 and Decimal(update.after["quantity"]) == 3


# --- Append-only ------------------------------------------------------------------------------------------------


@pytest.fixture
def event(world):
    return record_event(world.users["coordinator"], A.EXPORT, plan=world.plan, details={"format": "csv"})


def test_the_orm_refuses_to_change_or_delete_an_entry(event):
    event.details = {"format": "pdf"}
    with pytest.raises(AuditTrailIsAppendOnly):
        event.save()
    with pytest.raises(AuditTrailIsAppendOnly):
        event.delete()
    with pytest.raises(AuditTrailIsAppendOnly):
        AuditEvent.objects.filter(pk=event.pk).update(details={})
    with pytest.raises(AuditTrailIsAppendOnly):
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(AuditTrailIsAppendOnly):
        AuditEvent.objects.bulk_update([event], ["details"])
    with pytest.raises(AuditTrailIsAppendOnly):
        AuditEvent.objects.all().delete()
    event.refresh_from_db()
    assert event.details == {"format": "csv"}


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE access_auditevent SET actor_label = 'quelqu''un' WHERE id = %s",
        "DELETE FROM access_auditevent WHERE id = %s",
    ],
)
def test_the_database_refuses_raw_sql_changes(event, statement):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement, [event.pk])
    event.refresh_from_db()
    assert event.actor_label == "coordinator-user"


def test_the_database_protects_auditlog_entries_too(world):
    meeting = Meeting.objects.create(plan=world.plan, held_on=dt.date(2024, 1, 1), title="COPIL")
    entry = LogEntry.objects.get_for_object(meeting).get()
    for statement in (
        "UPDATE auditlog_logentry SET object_repr = 'x' WHERE id = %s",
        "DELETE FROM auditlog_logentry WHERE id = %s",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [entry.pk])
    assert LogEntry.objects.filter(pk=entry.pk, object_repr=entry.object_repr).exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="TRUNCATE is PostgreSQL's")
def test_postgresql_refuses_truncate(event):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("TRUNCATE access_auditevent")
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_the_append_only_migration_runs_its_own_frozen_sql():
    """An applied migration must not change when `dbguard` does: it imports nothing from the live module."""
    source = Path(importlib.import_module("copil.access.migrations.0002_append_only_triggers").__file__).read_text()
    imported = {
        node.module if isinstance(node, ast.ImportFrom) else alias.name
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    }
    assert imported == {"django.db"}


def test_the_admin_offers_no_way_to_change_or_delete_an_entry(world, event):
    client = Client()
    client.force_login(world.users["coordinator"])
    assert client.get("/admin/access/auditevent/").status_code == 200
    assert client.get(f"/admin/access/auditevent/{event.pk}/change/").status_code == 200
    assert client.post(f"/admin/access/auditevent/{event.pk}/change/", {"actor_label": "x"}).status_code == 403
    assert client.post(f"/admin/access/auditevent/{event.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.post("/admin/access/auditevent/add/", {}).status_code == 403
    superuser = Client()
    superuser.force_login(world.users["superuser"])
    assert superuser.post(f"/admin/access/auditevent/{event.pk}/delete/", {"post": "yes"}).status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk, actor_label="coordinator-user").exists()


def test_users_are_never_deleted_through_the_admin(world):
    client = Client()
    client.force_login(world.users["superuser"])
    police = world.users["police"]
    assert client.post(f"/admin/auth/user/{police.pk}/delete/", {"post": "yes"}).status_code == 403
    assert get_user_model().objects.filter(pk=police.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_a_whole_database_flush_may_still_empty_the_trail():
    """`copil flush` (also run between Django's transactional tests) is the one way to remove entries."""
    record_event(None, A.EXPORT)
    with pytest.raises(DatabaseError), connection.cursor() as cursor:
        cursor.execute("DELETE FROM access_auditevent")
    call_command("flush", interactive=False, verbosity=0)
    assert not AuditEvent.objects.exists()
    record_event(None, A.EXPORT)
    with pytest.raises(DatabaseError), connection.cursor() as cursor:
        cursor.execute("DELETE FROM access_auditevent")


# --- Who reads the trail ----------------------------------------------------------------------------------------


def test_the_journal_is_for_coordinators_and_hides_referral_values(world):
    care = world.partners["care-1"]
    referral = create_record(
        world.users["care"], "care_referral", plan=world.plan, partner=care, data=sample("care_referral", care, "R-1")
    )
    record_event(world.users["police"], A.EXPORT, plan=world.plan, details={"format": "pdf"})
    record_event(None, A.EXPORT, plan=world.foreign_plan, details={"format": "secret-of-plan-b"})
    for role in ("police", "care", "public"):
        client = Client()
        client.force_login(world.users[role])
        assert client.get("/compte/journal/").status_code == 403
    client = Client()
    client.force_login(world.users["coordinator"])
    page = client.get("/compte/journal/").content.decode()
    assert "police-user" in page and "care-user" in page
    assert "secret-of-plan-b" not in page, "another plan's events"
    assert referral.pseudonym not in page and "Valeurs masquées" in page
    filtered = client.get("/compte/journal/", {"action": "export", "actor": "police"}).content.decode()
    assert "police-user" in filtered and "care-user" not in filtered
    event = events_for(referral)[0]
    detail = client.get(f"/admin/access/auditevent/{event.pk}/change/").content.decode()
    assert referral.pseudonym not in detail


def test_user_changes_are_captured_without_the_password_hash(world):
    user = get_user_model().objects.create_user("nouvel-agent", "agent@example.fr", "Un-mot-de-passe-solide-42")
    user.is_staff = True
    user.save()
    entries = list(AuditEvent.objects.filter(object_type="auth.user", object_id=str(user.pk)).order_by("at", "pk"))
    assert [e.action for e in entries] == [A.CREATE, A.UPDATE]
    assert entries[1].before == {"is_staff": "False"} and entries[1].after == {"is_staff": "True"}
    dump = io.StringIO()
    call_command("dumpdata", "access", "auditlog", stdout=dump)
    assert user.password not in dump.getvalue() and "pbkdf2" not in dump.getvalue() and "md5$" not in dump.getvalue()


def test_the_invite_command_acts_as_the_system(world):
    out = io.StringIO()
    call_command("invite", "chef@example.fr", plan=world.plan.slug, partner="coordinator-2", stdout=out)
    assert "/compte/mot-de-passe/" in out.getvalue()
    event = AuditEvent.objects.get(action=A.INVITE)
    assert event.actor_label == "système" and event.details["email"] == "chef@example.fr"
