"""Fixtures of the format tests: the access tests' world, and web and API clients acting as its users."""

import pytest
from django.test import Client

from tests.access.conftest import World, build_world
from tests.api.conftest import ApiClient, issue_token


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(db) -> World:
    return build_world()


@pytest.fixture
def client_for(world):
    def make(role: str) -> Client:
        client = Client()
        client.force_login(world.users[role])
        return client

    return make


@pytest.fixture
def api_for(world):
    def make(role: str) -> ApiClient:
        return ApiClient(issue_token(world, role))

    return make
