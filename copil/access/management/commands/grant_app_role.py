"""`copil grant_app_role ROLE`: as the owner role, give the application's role its rights (audit: append only)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from copil.access.dbroles import app_role_grants


class Command(BaseCommand):
    help = "PostgreSQL: grant the application's role read/write on every table, append-only on the audit tables."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("role", help="the role the application connects as (created beforehand, not the owner)")
        parser.add_argument("--print", action="store_true", help="print the statements instead of running them")

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("grant_app_role is for PostgreSQL only.")
        with connection.cursor() as cursor:
            for statement in app_role_grants(options["role"]):
                if options["print"]:
                    self.stdout.write(statement.as_string(cursor.connection) + ";")
                else:
                    cursor.execute(statement)
        if not options["print"]:
            self.stdout.write(f"Rights granted to {options['role']}; the audit tables accept INSERT and SELECT only.")
