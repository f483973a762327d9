"""Fixtures of the API tests: the access tests' world and API clients acting as one of its partners."""

import json
from collections import Counter

import pytest
from django.test import Client

from copil.api.models import ApiToken
from tests.access.conftest import World, build_world

# Cases schemathesis ran, by operation (tests/api/test_schemathesis.py), reported at the end of the session.
SCHEMATHESIS_CASES: Counter = Counter()


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if SCHEMATHESIS_CASES:
        terminalreporter.write_sep("=", "schemathesis")
        terminalreporter.write_line(
            f"schemathesis: {sum(SCHEMATHESIS_CASES.values())} generated cases over {len(SCHEMATHESIS_CASES)} "
            "API operations, checked for server errors and conformance (status, content type, response schema)"
        )


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(db) -> World:
    return build_world()


class ApiClient:
    """JSON requests with `Authorization: Bearer <token>`."""

    def __init__(self, token: str | None):
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def get(self, path: str, params: dict | None = None):
        return self.client.get(path, params or {}, headers=self.headers)

    def post(self, path: str, body):
        return self.client.post(path, json.dumps(body), content_type="application/json", headers=self.headers)

    def put(self, path: str, body):
        return self.client.put(path, json.dumps(body), content_type="application/json", headers=self.headers)

    def delete(self, path: str):
        return self.client.delete(path, headers=self.headers)


def issue_token(world: World, role: str, partner_key: str | None = None) -> str:
    """A token of partner `partner_key` (default "<role>-1") created by the world's user of `role`."""
    partner = world.partners[partner_key or f"{role}-1"]
    _token, secret = ApiToken.issue(partner=partner, name=f"test {role}", created_by=world.users[role])
    return secret


@pytest.fixture
def api_for(world):
    """`api_for(role)`: an API client acting as the partner "<role>-1"."""

    def make(role: str) -> ApiClient:
        return ApiClient(issue_token(world, role))

    return make
