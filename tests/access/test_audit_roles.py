"""The audit trail against whoever holds the application's database role: SQLite refuses an INSERT that would
replace an entry; PostgreSQL's two-role setup leaves the application role INSERT and SELECT only, and
`copil check --deploy` warns while the application connects as the owner."""

import uuid

import pytest
from django.db import DatabaseError, connection, transaction

from copil.access.audit import record_event
from copil.access.checks import audit_tables_append_only
from copil.access.models import AuditEvent

from .conftest import sample  # noqa: F401 (the access fixtures)

INSERT = (
    "INSERT INTO access_auditevent"
    " (id, at, action, actor_label, channel, object_type, object_id, object_repr, details) "
    "VALUES ({id}, CURRENT_TIMESTAMP, 'export', 'faussaire', '', '', '', '', '{{}}')"
)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="INSERT OR REPLACE is SQLite's")
def test_sqlite_refuses_an_insert_replacing_an_entry(db):
    event = record_event(None, AuditEvent.Action.EXPORT, details={"format": "csv"})
    with pytest.raises(DatabaseError, match="ajout seul"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("INSERT OR REPLACE" + INSERT.removeprefix("INSERT").format(id=event.pk))
    event.refresh_from_db()
    assert (event.actor_label, event.details) == ("système", {"format": "csv"})
    with connection.cursor() as cursor:
        cursor.execute(INSERT.format(id=event.pk + 1))  # a new id is still appended
    assert AuditEvent.objects.filter(pk=event.pk + 1, actor_label="faussaire").exists()


@pytest.mark.skipif(connection.vendor == "postgresql", reason="SQLite has no roles")
def test_the_deploy_check_says_nothing_on_sqlite(db):
    assert audit_tables_append_only() == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="roles are PostgreSQL's")
def test_the_application_role_appends_and_reads_the_trail_and_nothing_more(django_db_setup, django_db_blocker):
    import psycopg
    from django.core.management import call_command

    role = f"copil_app_{uuid.uuid4().hex[:8]}"
    settings = connection.settings_dict
    params = {"host": settings["HOST"], "port": settings["PORT"], "dbname": settings["NAME"]}
    with django_db_blocker.unblock():
        assert [w.id for w in audit_tables_append_only()] == ["copil.W001"]  # the tests connect as the owner
        with psycopg.connect(**params, user=settings["USER"], autocommit=True) as owner:
            owner.execute(f"CREATE ROLE {role} LOGIN")
        call_command("grant_app_role", role, verbosity=0)
    try:
        with psycopg.connect(**params, user=role, autocommit=True) as app:
            app.execute(INSERT.format(id=10_000_000))
            assert app.execute("SELECT actor_label FROM access_auditevent WHERE id = 10000000").fetchone() == (
                "faussaire",
            )
            for attack in (
                "UPDATE access_auditevent SET actor_label = 'x' WHERE id = 10000000",
                "DELETE FROM access_auditevent WHERE id = 10000000",
                "TRUNCATE access_auditevent",
                "ALTER TABLE access_auditevent DISABLE TRIGGER USER",
                "DELETE FROM auditlog_logentry",
            ):
                with pytest.raises(psycopg.errors.InsufficientPrivilege):
                    app.execute("SET copil.audit_maintenance = 'on'")
                    app.execute(attack)
            app.execute("SELECT count(*) FROM plans_plan")  # the rest of the schema stays usable
            with app.cursor() as cursor:
                cursor.execute("SET copil.audit_maintenance = 'off'")
                assert audit_table_weaknesses_of(cursor) == []
    finally:
        with psycopg.connect(**params, user=settings["USER"], autocommit=True) as owner:
            owner.execute("SET copil.audit_maintenance = 'on'")
            owner.execute("DELETE FROM access_auditevent WHERE id = 10000000")
            owner.execute(f"DROP OWNED BY {role}")
            owner.execute(f"DROP ROLE {role}")


def audit_table_weaknesses_of(cursor):
    from copil.access.dbroles import audit_table_weaknesses

    return audit_table_weaknesses(cursor)
