"""Property-based tests of the API against its own OpenAPI schema (schemathesis, in-process WSGI): every
operation with generated requests, with a valid token of the partner recording the kind; no response may be a
server error or break the schema (status code, content type, body)."""

import re
from collections import Counter

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from copil.access.audit import auditlog_disabled
from copil.records.actions import create_record
from copil.records.models import RECORD_KINDS
from tests.access.conftest import build_world
from tests.records.helpers import OWNER_ROLE, complete_sample

from .conftest import issue_token

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())

CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance, content_type_conformance]
EXAMPLES = 25  # per operation: 45 operations, well over 1,000 cases
SLOW_EXAMPLES = 4  # the bilan draws charts (HTML) and typesets a PDF
CASES: Counter = Counter()
KIND_IN_PATH = re.compile(r"^/api/records/([a-z_]+)")


@pytest.fixture
def tokens(db):
    """One token per recording role, and a few records of each kind for them to read, change and delete."""
    world = build_world()
    with auditlog_disabled():
        for kind, role in OWNER_ROLE.items():
            partner = world.partners[f"{role}-1"]
            for number in range(3):
                values = complete_sample(kind, partner, f"st-{number}")
                create_record(None, kind, plan=world.plan, partner=partner, data=values)
    return {role: issue_token(world, role) for role in set(OWNER_ROLE.values())}


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
    database=None,
)
def test_api_conforms_to_its_schema(case, tokens):
    match = KIND_IN_PATH.match(case.operation.path)
    role = OWNER_ROLE[match.group(1)] if match else "coordinator"
    if case.operation.path.endswith("/bilan") and CASES[case.operation.label] >= SLOW_EXAMPLES:
        return
    CASES[case.operation.label] += 1
    case.call_and_validate(headers={"Authorization": f"Bearer {tokens[role]}"}, checks=CHECKS)


def test_enough_cases_ran():
    """Printed for the record; at least 1,000 cases when every operation ran (not under -k selections)."""
    total = sum(CASES.values())
    print(f"schemathesis: {total} cases over {len(CASES)} operations")
    if len(CASES) == len(list(schema.get_all_operations())):
        assert total >= 1000
    assert len(RECORD_KINDS) == 14
