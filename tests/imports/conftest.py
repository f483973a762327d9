from typing import Any

import pytest
from django.db import connection

from copil.records.models import RECORD_KINDS, Agreement
from tests.factories import make_partner


def pytest_configure(config):
    config.addinivalue_line("markers", "large_file: imports a file of tens of megabytes (a few seconds per leg)")


def record_counts() -> dict[str, int]:
    """Rows in every record table, agreement parties included, to prove a rejected import wrote nothing."""
    counts = {kind: model.objects.count() for kind, model in RECORD_KINDS.items()}
    counts["agreement_parties"] = Agreement.parties.through.objects.count()
    return counts


def database_dump() -> dict[str, Any]:
    """Every row of every table, plus the sequences (PostgreSQL) or sqlite_sequence (SQLite): two equal dumps
    mean the database did not change at all, audit trail included."""
    quote = connection.ops.quote_name
    dump: dict[str, Any] = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT * FROM {quote(table)}")
            dump[table] = sorted(cursor.fetchall(), key=repr)
        if connection.vendor == "postgresql":
            cursor.execute("SELECT schemaname, sequencename, last_value FROM pg_sequences ORDER BY 1, 2")
            dump["<sequences>"] = cursor.fetchall()
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE name = 'sqlite_sequence'")
            if cursor.fetchone():
                cursor.execute("SELECT name, seq FROM sqlite_sequence ORDER BY name")
                dump["<sequences>"] = cursor.fetchall()
    return dump


@pytest.fixture
def write_csv(tmp_path):
    def write(name: str, text: str, encoding: str = "utf-8"):
        path = tmp_path / name
        path.write_bytes(text.encode(encoding))
        return path

    return write


@pytest.fixture
def city(plan):
    return make_partner(plan, role="city", code="mairie", name="Mairie")


@pytest.fixture
def prefecture(plan):
    return make_partner(plan, role="coordinator", code="prefecture", name="Préfecture")
