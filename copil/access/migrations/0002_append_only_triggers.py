"""Database triggers making the audit tables append-only (PostgreSQL and SQLite).

The SQL is written out here, frozen as it ran when this migration was made: `copil.access.dbguard` may change
later, and a migration already applied must not. A change to the triggers is a new migration.
"""

from django.db import migrations

MESSAGE = "journal d''audit en ajout seul : modification et suppression interdites"

POSTGRESQL_INSTALL = [
    f"""
CREATE OR REPLACE FUNCTION copil_audit_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('DELETE', 'TRUNCATE') AND current_setting('copil.audit_maintenance', true) = 'on' THEN
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NULL;
    END IF;
    RAISE EXCEPTION '{MESSAGE} (% sur %)', TG_OP, TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
""",
    "DROP TRIGGER IF EXISTS access_auditevent_append_only ON access_auditevent;",
    "DROP TRIGGER IF EXISTS access_auditevent_no_truncate ON access_auditevent;",
    "CREATE TRIGGER access_auditevent_append_only BEFORE UPDATE OR DELETE ON access_auditevent "
    "FOR EACH ROW EXECUTE FUNCTION copil_audit_append_only();",
    "CREATE TRIGGER access_auditevent_no_truncate BEFORE TRUNCATE ON access_auditevent "
    "FOR EACH STATEMENT EXECUTE FUNCTION copil_audit_append_only();",
    "DROP TRIGGER IF EXISTS auditlog_logentry_append_only ON auditlog_logentry;",
    "DROP TRIGGER IF EXISTS auditlog_logentry_no_truncate ON auditlog_logentry;",
    "CREATE TRIGGER auditlog_logentry_append_only BEFORE UPDATE OR DELETE ON auditlog_logentry "
    "FOR EACH ROW EXECUTE FUNCTION copil_audit_append_only();",
    "CREATE TRIGGER auditlog_logentry_no_truncate BEFORE TRUNCATE ON auditlog_logentry "
    "FOR EACH STATEMENT EXECUTE FUNCTION copil_audit_append_only();",
]

POSTGRESQL_REMOVE = [
    "DROP TRIGGER IF EXISTS access_auditevent_append_only ON access_auditevent;",
    "DROP TRIGGER IF EXISTS access_auditevent_no_truncate ON access_auditevent;",
    "DROP TRIGGER IF EXISTS auditlog_logentry_append_only ON auditlog_logentry;",
    "DROP TRIGGER IF EXISTS auditlog_logentry_no_truncate ON auditlog_logentry;",
]

# `copil_audit_locked()` is registered on each connection Django opens; a client without it fails on DELETE.
SQLITE_INSTALL = [
    "DROP TRIGGER IF EXISTS access_auditevent_no_update;",
    "DROP TRIGGER IF EXISTS access_auditevent_no_delete;",
    "CREATE TRIGGER access_auditevent_no_update BEFORE UPDATE ON access_auditevent "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;",
    "CREATE TRIGGER access_auditevent_no_delete BEFORE DELETE ON access_auditevent WHEN copil_audit_locked() "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;",
    "DROP TRIGGER IF EXISTS auditlog_logentry_no_update;",
    "DROP TRIGGER IF EXISTS auditlog_logentry_no_delete;",
    "CREATE TRIGGER auditlog_logentry_no_update BEFORE UPDATE ON auditlog_logentry "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;",
    "CREATE TRIGGER auditlog_logentry_no_delete BEFORE DELETE ON auditlog_logentry WHEN copil_audit_locked() "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;",
]

SQLITE_REMOVE = [
    "DROP TRIGGER IF EXISTS access_auditevent_no_update;",
    "DROP TRIGGER IF EXISTS access_auditevent_no_delete;",
    "DROP TRIGGER IF EXISTS auditlog_logentry_no_update;",
    "DROP TRIGGER IF EXISTS auditlog_logentry_no_delete;",
]


def _run(schema_editor, statements_by_vendor):
    for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement, params=None)


def install(apps, schema_editor):
    _run(schema_editor, {"postgresql": POSTGRESQL_INSTALL, "sqlite": SQLITE_INSTALL})


def remove(apps, schema_editor):
    _run(schema_editor, {"postgresql": POSTGRESQL_REMOVE, "sqlite": SQLITE_REMOVE})


class Migration(migrations.Migration):
    dependencies = [
        ("access", "0001_initial"),
        ("auditlog", "0017_add_actor_email"),
    ]

    operations = [migrations.RunPython(install, remove, elidable=False)]
