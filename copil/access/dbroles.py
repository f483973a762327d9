"""The two-role PostgreSQL setup: an owner role runs the migrations, the application connects as a role that may
only INSERT into and SELECT from the audit tables.

An owner can always disable a trigger or bypass it (`ALTER TABLE … DISABLE TRIGGER`, `SET
copil.audit_maintenance`), so the append-only audit trail holds against the application only when the
application's role does not own the tables and holds no UPDATE, DELETE or TRUNCATE right on them.
"""

from __future__ import annotations

from typing import Any

from psycopg import sql

from .dbguard import PROTECTED_TABLES


def app_role_grants(app_role: str, schema: str = "public") -> list[sql.Composed]:
    """The statements an owner runs (after each migration) to give `app_role` what the application needs:
    read and write every table, but only append to and read the audit tables."""
    role, namespace = sql.Identifier(app_role), sql.Identifier(schema)
    audit = sql.SQL(", ").join(sql.Identifier(schema, table) for table in PROTECTED_TABLES)
    return [
        sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(namespace, role),
        sql.SQL("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {} TO {}").format(namespace, role),
        sql.SQL("REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON {} FROM {}").format(audit, role),
        sql.SQL("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {} TO {}").format(namespace, role),
    ]


def audit_table_weaknesses(cursor: Any) -> list[str]:
    """What the connected role may do to the audit tables beyond appending and reading (PostgreSQL): owning one,
    or holding UPDATE, DELETE or TRUNCATE on it. Empty when the two-role setup is in place."""
    weaknesses = []
    for table in PROTECTED_TABLES:
        cursor.execute(
            "SELECT pg_get_userbyid(c.relowner) = current_user, has_table_privilege(c.oid, 'UPDATE'), "
            "has_table_privilege(c.oid, 'DELETE'), has_table_privilege(c.oid, 'TRUNCATE') "
            "FROM pg_class c WHERE c.relname = %s AND c.relkind = 'r' AND pg_table_is_visible(c.oid)",
            [table],
        )
        row = cursor.fetchone()
        if row is None:
            continue
        owns, *rights = row
        if owns:
            weaknesses.append(f"{table}: owner")
        weaknesses += [
            f"{table}: {name}" for name, held in zip(("UPDATE", "DELETE", "TRUNCATE"), rights, strict=True) if held
        ]
    return weaknesses
