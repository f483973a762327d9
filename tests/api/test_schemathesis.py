"""Property-based tests of the API against its own OpenAPI schema (schemathesis, in-process WSGI): every
operation with generated requests, with a valid token of the partner recording the kind; no response may be a
server error or break the schema (status code, content type, body)."""

import re

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from copil.access.audit import auditlog_disabled
from copil.records.models import RECORD_KINDS
from tests.access.conftest import build_world, delete_world
from tests.records.helpers import OWNER_ROLE, complete_sample

from .conftest import SCHEMATHESIS_CASES as CASES
from .conftest import issue_token

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())
# Generated requests only (positive and negative), no exhaustive coverage phase: its thousands of boundary
# cases would take minutes; the budget goes to random cases instead.
schema.config.phases.coverage.enabled = False

CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance, content_type_conformance]
EXAMPLES = 12  # per operation: 87 operations, over 1,000 cases
SLOW_EXAMPLES = 4  # the bilan draws charts (HTML) and typesets a PDF
KIND_IN_PATH = re.compile(r"^/api/records/([a-z_]+)")


@pytest.fixture(scope="module", autouse=True)
def _keep_the_test_connection():
    """Requests go through Django's WSGI handler, whose request signals close "old" database connections —
    here, the test's own (in its transaction). Django's test client disconnects them the same way."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture(scope="module")
def tokens(django_db_setup, django_db_blocker):
    """One token per recording role, and a few records of each kind for them to read, change and delete;
    built once for the module (each operation's own writes are rolled back after it)."""
    with django_db_blocker.unblock(), auditlog_disabled():
        world = build_world()
        for kind, role in OWNER_ROLE.items():
            partner = world.partners[f"{role}-1"]
            for number in range(3):
                values = complete_sample(kind, partner, f"st-{number}")
                parties = values.pop("parties", None)
                record = RECORD_KINDS[kind].objects.create(plan=world.plan, partner=partner, **values)
                if parties:
                    record.parties.set(parties)
        secrets = {role: issue_token(world, role) for role in set(OWNER_ROLE.values())}
    yield secrets
    with django_db_blocker.unblock():
        delete_world(world)


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
    database=None,
)
def test_api_conforms_to_its_schema(db, case, tokens):
    match = KIND_IN_PATH.match(case.operation.path)
    role = OWNER_ROLE[match.group(1)] if match else "coordinator"
    if case.operation.path.endswith("/bilan") and CASES[case.operation.label] >= SLOW_EXAMPLES:
        return
    CASES[case.operation.label] += 1
    case.call_and_validate(headers={"Authorization": f"Bearer {tokens[role]}"}, checks=CHECKS)


def test_enough_cases_ran():
    """At least 1,000 cases when every operation ran (the count is printed at the end of the session)."""
    if len(CASES) < len(list(schema.get_all_operations())):
        pytest.skip("only some operations ran (-k selection)")
    assert sum(CASES.values()) >= 1000
