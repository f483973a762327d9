"""Database triggers that make the audit tables append-only for every SQL client, not only the ORM.

On PostgreSQL a trigger function raises on UPDATE, DELETE and TRUNCATE. On SQLite, triggers raise on UPDATE
and DELETE unless `copil_audit_locked()` returns 0; Django registers that function on each of its connections,
and a client without it (the sqlite3 shell) fails on the unknown function, so the row is protected either way.

The single exception is `copil flush` (the whole-database reset Django's transactional tests use too), which
runs under `maintenance()`: on PostgreSQL it sets `copil.audit_maintenance`, on SQLite it flips the
connection's flag; even then only DELETE and TRUNCATE pass, never UPDATE.
"""

import contextlib
from collections.abc import Iterator
from typing import Any

from django.db import connections

PROTECTED_TABLES = ("access_auditevent", "auditlog_logentry")
MESSAGE = "journal d''audit en ajout seul : modification et suppression interdites"

POSTGRESQL_FUNCTION = f"""
CREATE OR REPLACE FUNCTION copil_audit_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('DELETE', 'TRUNCATE') AND current_setting('copil.audit_maintenance', true) = 'on' THEN
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NULL;
    END IF;
    RAISE EXCEPTION '{MESSAGE} (% sur %)', TG_OP, TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
"""


def postgresql_install(table: str) -> list[str]:
    return [
        f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};",
        f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table};",
        f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
        "FOR EACH ROW EXECUTE FUNCTION copil_audit_append_only();",
        f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
        "FOR EACH STATEMENT EXECUTE FUNCTION copil_audit_append_only();",
    ]


def postgresql_remove(table: str) -> list[str]:
    return [
        f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};",
        f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table};",
    ]


def sqlite_install(table: str) -> list[str]:
    return [
        f"DROP TRIGGER IF EXISTS {table}_no_update;",
        f"DROP TRIGGER IF EXISTS {table}_no_delete;",
        f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;",
        f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} WHEN copil_audit_locked() "
        f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;",
    ]


def sqlite_remove(table: str) -> list[str]:
    return [f"DROP TRIGGER IF EXISTS {table}_no_update;", f"DROP TRIGGER IF EXISTS {table}_no_delete;"]


def install(schema_editor: Any, tables: tuple[str, ...] = PROTECTED_TABLES) -> None:
    vendor = schema_editor.connection.vendor
    statements: list[str] = []
    if vendor == "postgresql":
        statements.append(POSTGRESQL_FUNCTION)
        for table in tables:
            statements += postgresql_install(table)
    elif vendor == "sqlite":
        for table in tables:
            statements += sqlite_install(table)
    for statement in statements:
        schema_editor.execute(statement, params=None)


def remove(schema_editor: Any, tables: tuple[str, ...] = PROTECTED_TABLES) -> None:
    vendor = schema_editor.connection.vendor
    statements: list[str] = []
    if vendor == "postgresql":
        for table in tables:
            statements += postgresql_remove(table)
    elif vendor == "sqlite":
        for table in tables:
            statements += sqlite_remove(table)
    for statement in statements:
        schema_editor.execute(statement, params=None)


def on_connection_created(sender: Any, connection: Any, **kwargs: Any) -> None:
    """Register `copil_audit_locked()` on each new SQLite connection Django opens."""
    if connection.vendor != "sqlite":
        return
    connection.connection.create_function(
        "copil_audit_locked", 0, lambda: 0 if getattr(connection, "copil_audit_maintenance", False) else 1
    )


@contextlib.contextmanager
def maintenance(using: str = "default") -> Iterator[None]:
    """Let a whole-database reset delete the audit tables (DELETE/TRUNCATE only, never UPDATE)."""
    connection = connections[using]
    connection.ensure_connection()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET copil.audit_maintenance = 'on'")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("RESET copil.audit_maintenance")
    else:
        connection.copil_audit_maintenance = True
        try:
            yield
        finally:
            connection.copil_audit_maintenance = False
