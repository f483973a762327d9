"""`copil check --deploy`: the application's database role must not be able to rewrite the audit trail."""

from __future__ import annotations

from typing import Any

from django.core import checks
from django.db import connection
from django.db.utils import DatabaseError

from .dbroles import audit_table_weaknesses


@checks.register(checks.Tags.security, deploy=True)
def audit_tables_append_only(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """On PostgreSQL, warn when the connected role owns the audit tables or may update, delete or truncate them."""
    if connection.vendor != "postgresql":
        return []
    try:
        with connection.cursor() as cursor:
            weaknesses = audit_table_weaknesses(cursor)
    except DatabaseError:
        return []
    if not weaknesses:
        return []
    return [
        checks.Warning(
            "The application's database role can rewrite the audit trail (" + ", ".join(weaknesses) + ").",
            hint="Run migrations as an owner role and connect the application as a role with INSERT and SELECT "
            "only on the audit tables: `copil grant_app_role ROLE` (README, Access, accounts and audit).",
            id="copil.W001",
        )
    ]
